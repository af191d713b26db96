<?php
// podlab guestbook API. cmd=set&key=K&value=V writes to the redis master and answers
// {"message": "Updated"}; cmd=get&key=K reads from the redis slave and answers
// {"data": "<value>"} ("" for a missing key). Failures answer {"error": "<message>"} with
// HTTP 500 within about two seconds (connect and read/write timeouts).
// Hosts: GET_HOSTS_FROM=env takes REDIS_{MASTER,SLAVE}_SERVICE_HOST/_PORT from the service
// environment variables; anything else uses the service names redis-master and redis-slave.
require_once 'Predis/autoload.php';

header('Content-Type: application/json');

function redis_for(string $service): Predis\Client
{
    $prefix = 'REDIS_' . strtoupper($service) . '_SERVICE_';
    if (getenv('GET_HOSTS_FROM') === 'env') {
        $host = getenv($prefix . 'HOST') ?: 'redis-' . $service;
        $port = (int) (getenv($prefix . 'PORT') ?: 6379);
    } else {
        $host = 'redis-' . $service;
        $port = 6379;
    }
    return new Predis\Client([
        'scheme' => 'tcp',
        'host' => $host,
        'port' => $port,
        'timeout' => 2.0,
        'read_write_timeout' => 2.0,
    ]);
}

function answer(int $status, string $field, $value): void
{
    http_response_code($status);
    echo '{"' . $field . '": ' . json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "}\n";
}

$cmd = $_GET['cmd'] ?? '';
$key = $_GET['key'] ?? '';
try {
    if ($key === '' && ($cmd === 'set' || $cmd === 'get')) {
        answer(400, 'error', 'key is required');
    } elseif ($cmd === 'set') {
        redis_for('master')->set($key, $_GET['value'] ?? '');
        answer(200, 'message', 'Updated');
    } elseif ($cmd === 'get') {
        answer(200, 'data', redis_for('slave')->get($key) ?? '');
    } else {
        answer(400, 'error', 'cmd must be set or get');
    }
} catch (Throwable $e) {
    error_log('guestbook.php: ' . get_class($e) . ': ' . $e->getMessage());
    answer(500, 'error', $e->getMessage());
}
