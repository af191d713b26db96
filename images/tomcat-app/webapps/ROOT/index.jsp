<%-- podlab's tomcat-app page: talk to MySQL at $MYSQL_SERVICE_HOST:$MYSQL_SERVICE_PORT, make
     sure HPE_APP.T_USERS exists with its demo rows, and show them. Any failure is shown as
     "Error: <exception class>: <message>" with HTTP 200, so a lab can read why from the page. --%>
<%@ page contentType="text/html; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" import="java.sql.*" %>
<%!
  private static final String[][] DEMO_USERS = {
    {"1", "ada", "admin"},
    {"2", "brian", "developer"},
    {"3", "chen", "developer"},
    {"4", "dana", "operator"},
    {"5", "emeka", "guest"},
  };

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.trim().isEmpty() ? fallback : value.trim();
  }

  private static String html(Object value) {
    return String.valueOf(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Creates the schema and the demo rows when missing; fixed ids make concurrent first calls safe. */
  private static void ensureDemoData(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("CREATE DATABASE IF NOT EXISTS HPE_APP");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS HPE_APP.T_USERS ("
          + "ID INT PRIMARY KEY, USER_NAME VARCHAR(64) NOT NULL, LEVEL VARCHAR(32) NOT NULL)");
    }
    try (PreparedStatement insert = db.prepareStatement(
        "INSERT IGNORE INTO HPE_APP.T_USERS (ID, USER_NAME, LEVEL) VALUES (?, ?, ?)")) {
      for (String[] user : DEMO_USERS) {
        insert.setInt(1, Integer.parseInt(user[0]));
        insert.setString(2, user[1]);
        insert.setString(3, user[2]);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Demo rows go in only when this page creates the table, so rows deleted later stay deleted. */
  private static boolean tableIsNew(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES "
             + "WHERE TABLE_SCHEMA = 'HPE_APP' AND TABLE_NAME = 'T_USERS'")) {
      return rs.next() && rs.getInt(1) == 0;
    }
  }
%>
<%
  String host = env("MYSQL_SERVICE_HOST", "localhost");
  String port = env("MYSQL_SERVICE_PORT", "3306");
  // connectTimeout (ms): a blackholed service shows the driver's timeout text after ~5 s.
  String url = "jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=5000&socketTimeout=10000";
  StringBuilder rows = new StringBuilder();
  String error = null;
  try {
    Class.forName("org.mariadb.jdbc.Driver");
    try (Connection db = DriverManager.getConnection(url, "root", "123456")) {
      if (tableIsNew(db)) ensureDemoData(db);
      try (Statement st = db.createStatement();
           ResultSet rs = st.executeQuery("SELECT ID, USER_NAME, LEVEL FROM HPE_APP.T_USERS ORDER BY ID")) {
        while (rs.next()) {
          rows.append("<tr><td>").append(rs.getInt(1)).append("</td><td>").append(html(rs.getString(2)))
              .append("</td><td>").append(html(rs.getString(3))).append("</td></tr>\n");
        }
      }
    }
  } catch (Exception e) {
    error = e.toString();
    log("index.jsp: " + url + ": " + error);
  }
%>
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>podlab tomcat-app</title></head>
<body>
<% if (error != null) { %>
<p>Error: <%= html(error) %></p>
<p>(MySQL at <%= html(host) %>:<%= html(port) %>, from MYSQL_SERVICE_HOST and MYSQL_SERVICE_PORT)</p>
<% } else { %>
<h2>Congratulations!! The Tomcat app reached MySQL at <%= html(host) %>:<%= html(port) %></h2>
<table border="1">
<tr><th>ID</th><th>USER_NAME</th><th>LEVEL</th></tr>
<%= rows %></table>
<% } %>
</body>
</html>
