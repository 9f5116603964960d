// Config templates (`redis.conf.j2`, `rules.v4.j2`, `user_data.sh.tftpl`, `zone.xml.tmpl`) made
// readable by their format's parser without guessing: control lines (`{% if x %}`, `%{ for p in ports }`,
// `<% end %>`) become blank lines, and a placeholder becomes its value when the variables give one,
// else a token of the same length that every parser treats as an unknown value. Lines and columns stay
// where the template has them.
// Sample: `iptables -A INPUT -s {{ redis_subnet }} -p tcp --dport {{ redis_port }} -j ACCEPT`.

const CONTROL_LINE = /^\s*(\{%.*%\}|\{\{-?\s*(if|else|end|range|with|define|template)\b.*\}\}|%\{.*\}|<%[^=].*%>|\{#.*#\})\s*$/;
const PLACEHOLDER = /\{\{-?\s*(.*?)\s*-?\}\}|\$\{\s*([\w.]+)\s*\}|<%=\s*(.*?)\s*%>/g;

/** A stand-in as long as the placeholder it replaces (at least `${T}`): a value nobody can read. */
function unknownToken(length: number): string {
  return `\${${"T".repeat(Math.max(1, length - 3))}}`;
}

/**
 * `vars` gives the values a caller knows (Terraform templatefile arguments, Ansible role variables);
 * `dollarBraces` says whether `${name}` is a template placeholder (Terraform) or the file's own (shell).
 */
export function renderTemplate(text: string, vars: ReadonlyMap<string, string>, options: { dollarBraces: boolean; blankControl: boolean }): string {
  const { dollarBraces } = options;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    // redis.conf templates keep their control lines: parseRedisConfText leaves conditional directives out.
    if (options.blankControl && CONTROL_LINE.test(line)) {
      lines[i] = " ".repeat(line.length);
      continue;
    }
    lines[i] = line.replace(PLACEHOLDER, (whole: string, jinja: string | undefined, dollar: string | undefined, erb: string | undefined) => {
      if (dollar !== undefined && !dollarBraces) return whole;
      const expression = (jinja ?? dollar ?? erb ?? "").split("|")[0]?.trim() ?? "";
      const fallback = /\|\s*default\(\s*['"]?([^'")]*)['"]?\s*\)/.exec(jinja ?? "")?.[1];
      return vars.get(expression) ?? fallback ?? unknownToken(whole.length);
    });
  }
  return lines.join("\n");
}
