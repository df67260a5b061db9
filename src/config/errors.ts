/** One problem found in a config file: where it is and what is wrong. */
export interface ConfigIssue {
  /** Dotted path such as `model_list[2].litellm_params.api_base`; empty for the whole document. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** 1-based column in the file, when known. */
  column?: number;
  message: string;
}

/** A position in the file, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** `config.yaml:12:5` or just `config.yaml` when the position is unknown. */
export function formatLocation(source: string, position: Partial<SourcePosition>): string {
  if (position.line === undefined) {
    return source;
  }
  return position.column === undefined
    ? `${source}:${position.line}`
    : `${source}:${position.line}:${position.column}`;
}

/** `config.yaml:12:5 model_list[0].litellm_params.api_bse: unknown key; did you mean "api_base"?` */
export function formatIssue(source: string, issue: ConfigIssue): string {
  const location = formatLocation(source, issue);
  return issue.path === "" ? `${location} ${issue.message}` : `${location} ${issue.path}: ${issue.message}`;
}

/** Thrown when a config file cannot be used; `issues` lists every problem found, not just the first. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[]) {
    super(issues.map((issue) => formatIssue(source, issue)).join("\n"));
    this.name = "ConfigError";
    this.source = source;
    this.issues = issues;
  }
}
