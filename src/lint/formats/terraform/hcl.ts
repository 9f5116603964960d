// HCL (Terraform) through tree-sitter's terraform grammar (WebAssembly shipped in the npm package, no
// native build), turned into a small AST with real positions.
import { createRequire } from "node:module";
import { Language, Parser, type Node } from "web-tree-sitter";
import { LintInputError } from "../../errors.js";
import type { Location, Placement } from "../../model.js";

export type HclExpr =
  | { kind: "number"; value: number; at: Location }
  | { kind: "string"; value: string; at: Location }
  | { kind: "bool"; value: boolean; at: Location }
  | { kind: "null"; at: Location }
  | { kind: "tuple"; items: HclExpr[]; at: Location }
  | { kind: "object"; entries: { key: string; value: HclExpr }[]; at: Location }
  /** `var.redis_port`, `aws_security_group.redis.id`, `module.vpc.cidr[0]`. */
  | { kind: "ref"; text: string; at: Location }
  | { kind: "binary"; op: string; left: HclExpr; right: HclExpr; at: Location }
  /** `templatefile("${path.module}/redis.conf.tftpl", { port = 7000 })`, `file("...")`. */
  | { kind: "call"; name: string; args: HclExpr[]; text: string; at: Location }
  /** Interpolated templates, conditionals, for expressions: kept as written. */
  | { kind: "other"; text: string; at: Location };

export interface HclAttribute {
  name: string;
  value: HclExpr;
  at: Location;
}

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  at: Location;
  /** The line after the closing brace, and the block's own indentation: where a sibling block goes. */
  next: Placement;
  /** The closing brace's line, and the indentation of the block's contents: where a nested block goes. */
  inside: Placement;
}

export interface HclBody {
  attributes: Map<string, HclAttribute>;
  blocks: HclBlock[];
}

/** A loaded parser; loading is asynchronous (WebAssembly), parsing with it is not. */
export interface HclParser {
  parser: Parser;
}

let loading: Promise<HclParser> | undefined;

export function loadHclParser(): Promise<HclParser> {
  loading ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve("@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm"));
    const parser = new Parser();
    parser.setLanguage(language);
    return { parser };
  })();
  return loading;
}

function children(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/** Unescapes a quoted HCL string's literal part: `x\"y` -> `x"y`. */
function unescapeTemplate(text: string): string {
  let result = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== "\\" || i + 1 >= text.length) {
      result += ch;
      continue;
    }
    const next = text[++i] as string;
    result += next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : next;
  }
  return result;
}

class Converter {
  constructor(readonly file: string) {}

  at(node: Node): Location {
    return { file: this.file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
  }

  /** A string whose parts are all literal; undefined when it interpolates `${...}`. */
  literalString(node: Node): string | undefined {
    let text = "";
    for (const child of children(node)) {
      if (child.type === "template_literal") text += unescapeTemplate(child.text);
      else if (child.type !== "quoted_template_start" && child.type !== "quoted_template_end") return undefined;
    }
    return text;
  }

  expr(node: Node): HclExpr {
    const at = this.at(node);
    const named = children(node);
    const first = named[0];
    switch (node.type) {
      case "expression":
        if (first?.type === "variable_expr") return { kind: "ref", text: node.text.replace(/\s+/g, ""), at };
        if (named.length === 1 && first) return this.expr(first);
        return { kind: "other", text: node.text, at };
      case "literal_value":
        return first ? this.expr(first) : { kind: "other", text: node.text, at };
      case "numeric_lit":
        return { kind: "number", value: Number(node.text), at };
      case "bool_lit":
        return { kind: "bool", value: node.text === "true", at };
      case "null_lit":
        return { kind: "null", at };
      case "string_lit":
      case "quoted_template": {
        const value = this.literalString(node);
        return value === undefined ? { kind: "other", text: node.text, at } : { kind: "string", value, at };
      }
      case "template_expr":
      case "collection_value":
      case "operation":
        return first ? this.expr(first) : { kind: "other", text: node.text, at };
      case "tuple":
        return { kind: "tuple", items: named.filter((child) => child.type === "expression").map((child) => this.expr(child)), at };
      case "object":
        return { kind: "object", entries: named.filter((child) => child.type === "object_elem").map((child) => this.objectEntry(child)), at };
      case "variable_expr":
        return { kind: "ref", text: node.text, at };
      case "function_call": {
        const args = children(named.find((child) => child.type === "function_arguments") ?? node).filter((child) => child.type === "expression");
        return { kind: "call", name: first?.text ?? "", args: args.map((arg) => this.expr(arg)), text: node.text, at };
      }
      case "binary_operation": {
        const [left, right] = named;
        const op = node.children.find((child) => child !== null && !child.isNamed)?.text ?? "";
        if (!left || !right) return { kind: "other", text: node.text, at };
        return { kind: "binary", op, left: this.expr(left), right: this.expr(right), at };
      }
      case "unary_operation": {
        const operand = first ? this.expr(first) : undefined;
        if (operand?.kind === "number" && node.text.trimStart().startsWith("-")) return { kind: "number", value: -operand.value, at };
        return { kind: "other", text: node.text, at };
      }
      default:
        return { kind: "other", text: node.text, at };
    }
  }

  objectEntry(node: Node): { key: string; value: HclExpr } {
    const [keyNode, valueNode] = children(node);
    const key = keyNode ? this.expr(keyNode) : undefined;
    const keyText = key?.kind === "string" ? key.value : key?.kind === "ref" ? key.text : (keyNode?.text ?? "");
    return { key: keyText, value: valueNode ? this.expr(valueNode) : { kind: "null", at: this.at(node) } };
  }

  body(node: Node | undefined): HclBody {
    const body: HclBody = { attributes: new Map(), blocks: [] };
    for (const child of node ? children(node) : []) {
      if (child.type === "attribute") {
        const [name, value] = children(child);
        if (name && value) body.attributes.set(name.text, { name: name.text, value: this.expr(value), at: this.at(child) });
      } else if (child.type === "block") {
        body.blocks.push(this.block(child));
      }
    }
    return body;
  }

  block(node: Node): HclBlock {
    const named = children(node);
    const labels = named.slice(1).flatMap((child) => {
      if (child.type === "string_lit") return [this.literalString(child) ?? child.text];
      if (child.type === "identifier") return [child.text];
      return [];
    });
    const indent = " ".repeat(node.startPosition.column);
    return {
      type: named[0]?.text ?? "",
      labels,
      body: this.body(named.find((child) => child.type === "body")),
      at: this.at(node),
      next: { at: { file: this.file, line: node.endPosition.row + 2, column: 1 }, indent },
      inside: { at: { file: this.file, line: node.endPosition.row + 1, column: 1 }, indent: `${indent}  ` },
    };
  }
}

/** The first node (in document order) that is an error or missing, found without recursion. */
function firstError(root: Node): Node | undefined {
  let node: Node = root;
  for (;;) {
    if (node.isError || node.isMissing) return node;
    const child = node.children.find((candidate): candidate is Node => candidate !== null && (candidate.hasError || candidate.isMissing));
    if (child === undefined) return node === root ? undefined : node;
    node = child;
  }
}

/** "missing "}" to close the block at line 1", "unexpected "= 6379"". */
function describeError(error: Node): string {
  if (!error.isMissing) return error.text === "" ? "unexpected end of file" : `unexpected ${JSON.stringify(error.text.slice(0, 30))}`;
  let block: Node | null = error.parent;
  while (block && block.type !== "block") block = block.parent;
  return `missing ${JSON.stringify(error.type)}${block ? ` to close the block at line ${block.startPosition.row + 1}` : ""}`;
}

/**
 * Sample:
 * ```
 * resource "aws_security_group" "redis" {
 *   ingress { from_port = 6379, to_port = 6379, protocol = "tcp", self = true }
 * }
 * ```
 */
export function parseHcl(hcl: HclParser, text: string, file: string): HclBody {
  const tree = hcl.parser.parse(text);
  if (!tree) throw new LintInputError(file, "HCL: the parser returned nothing");
  try {
    const root = tree.rootNode;
    if (root.hasError) {
      const error = firstError(root) ?? root;
      throw new LintInputError(file, `HCL: syntax error, ${describeError(error)}`, {
        line: error.startPosition.row + 1,
        column: error.startPosition.column + 1,
      });
    }
    return new Converter(file).body(children(root).find((child) => child.type === "body"));
  } catch (error) {
    // Expressions nested thousands deep: the converter follows the nesting.
    if (error instanceof RangeError) throw new LintInputError(file, "HCL: nested too deeply");
    throw error;
  } finally {
    tree.delete();
  }
}
