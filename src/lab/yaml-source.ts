// A YAML file parsed with positions kept, so that any problem found later (schema, cross-field
// checks, variants) can be reported as file:line:column and a dotted field path.
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Document, type Node, type YAMLError } from 'yaml';
import { LabFileError, type LabIssue } from '../errors.js';

export type FieldPath = ReadonlyArray<string | number>;

export class YamlSource {
  readonly file: string;
  readonly value: unknown;
  private readonly doc: Document;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
    this.value = doc.toJS({ maxAliasCount: 100 });
  }

  /** Parses one YAML document; a syntax error becomes a LabFileError at its line. */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) throw syntaxError(file, doc.errors);
    return new YamlSource(file, doc, lines);
  }

  /** Parses every document of a multi-document file (Kubernetes manifests); empty ones are skipped. */
  static parseAll(file: string, text: string): YamlSource[] {
    const lines = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    // An empty stream comes back as a bare object carrying only errors.
    const docs: Document[] = Array.isArray(parsed) ? parsed : [];
    const problems = Array.isArray(parsed) ? docs.flatMap((doc) => doc.errors) : (parsed as { errors: YAMLError[] }).errors;
    if (problems.length > 0) throw syntaxError(file, problems);
    return docs.filter((doc) => doc.contents !== null).map((doc) => new YamlSource(file, doc, lines));
  }

  /** True when the path names a node that is present in the file. */
  has(path: FieldPath): boolean {
    return this.walk(path).found;
  }

  /**
   * An issue located at `path`. When the path is not in the file (a default, a merged value)
   * the nearest enclosing node present gives the line. With `atKey`, points at the key itself
   * (for unknown fields) rather than its value.
   */
  issue(path: FieldPath, message: string, atKey = false): LabIssue {
    const { node, keyNode } = this.walk(path);
    const target = atKey && keyNode ? keyNode : node;
    const offset = target?.range?.[0];
    const position = offset === undefined ? undefined : this.lines.linePos(offset);
    return { file: this.file, line: position?.line, column: position?.col, field: formatPath(path), message };
  }

  private walk(path: FieldPath): { node?: Node; keyNode?: Node; found: boolean } {
    let node = this.doc.contents as Node | null | undefined;
    let keyNode: Node | undefined;
    for (const segment of path) {
      let next: Node | undefined;
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair) {
          keyNode = pair.key as Node;
          next = (pair.value as Node | null) ?? keyNode;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = (node.items[segment] as Node | undefined) ?? undefined;
      }
      if (!next) return { node: node ?? undefined, found: false };
      node = next;
    }
    return { node: node ?? undefined, keyNode, found: true };
  }
}

function syntaxError(file: string, problems: YAMLError[]): LabFileError {
  return new LabFileError(
    problems.map((problem) => ({
      file,
      line: problem.linePos?.[0]?.line,
      column: problem.linePos?.[0]?.col,
      field: '',
      message: `YAML syntax: ${problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    })),
  );
}

export function formatPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}
