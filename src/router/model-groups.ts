import { createDeployment, type Deployment, deploymentHash } from "./deployment.js";
import type { DeploymentConfig, RouterSettings } from "./types.js";

/** Every deployment with the same `model_name`. */
export interface ModelGroup {
  readonly name: string;
  readonly deployments: readonly Deployment[];
  readonly ids: readonly string[];
  /** Set for wildcard names such as `openai/*` or `*`. */
  readonly pattern: RegExp | undefined;
  readonly hasOrder: boolean;
  readonly hasContextLimits: boolean;
}

/** A requested name resolved to its group. */
export interface ResolvedGroup {
  readonly group: ModelGroup;
  /** The name reported as the model group: the requested name, after aliases. */
  readonly name: string;
  /** For wildcard groups: the parts of the requested name the `*`s matched. */
  readonly captures: readonly string[] | undefined;
}

function patternOf(name: string): RegExp | undefined {
  if (!name.includes("*")) return undefined;
  const escaped = name.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("(.+)")}$`);
}

/** The upstream model for a deployment: a wildcard deployment's `*`s take what the request's matched. */
export function upstreamModel(deployment: Deployment, captures: readonly string[] | undefined): string {
  if (captures === undefined || !deployment.model.includes("*")) return deployment.model;
  let index = 0;
  return deployment.model.replace(/\*/g, () => captures[index++] ?? captures[captures.length - 1] ?? "");
}

/** The model list, grouped once at start-up; resolves requested names (exact, alias, wildcard). */
export class ModelGroups {
  private readonly byName = new Map<string, ResolvedGroup>();
  private readonly wildcards: ModelGroup[] = [];
  private readonly groupList: ModelGroup[] = [];
  private readonly deploymentById = new Map<string, Deployment>();
  private readonly visibleNames: string[] = [];
  private readonly aliasesByGroup = new Map<string, string[]>();

  constructor(modelList: readonly DeploymentConfig[], aliases: RouterSettings["model_group_alias"]) {
    const members = new Map<string, Deployment[]>();
    for (const config of modelList) {
      let id = config.model_info?.id ?? deploymentHash(config);
      for (let copy = 2; this.deploymentById.has(id); copy++)
        id = `${config.model_info?.id ?? deploymentHash(config)}-${copy}`;
      const deployment = createDeployment(config, id);
      this.deploymentById.set(id, deployment);
      const list = members.get(config.model_name);
      if (list === undefined) members.set(config.model_name, [deployment]);
      else list.push(deployment);
    }
    for (const [name, deployments] of members) {
      const group: ModelGroup = {
        name,
        deployments,
        ids: deployments.map((deployment) => deployment.id),
        pattern: patternOf(name),
        hasOrder: deployments.some((deployment) => deployment.order !== undefined),
        hasContextLimits: deployments.some((deployment) => deployment.maxInputTokens !== undefined),
      };
      this.groupList.push(group);
      this.visibleNames.push(name);
      if (group.pattern === undefined) this.byName.set(name, { group, name, captures: undefined });
      else this.wildcards.push(group);
    }
    // The most specific pattern first: `openai/gpt-*` before `openai/*` before `*`.
    this.wildcards.sort((a, b) => b.name.replace(/\*/g, "").length - a.name.replace(/\*/g, "").length);
    for (const [alias, target] of Object.entries(aliases ?? {})) {
      const targetName = typeof target === "string" ? target : target.model;
      const resolved = this.resolve(targetName);
      if (resolved === undefined || this.byName.has(alias)) continue;
      this.byName.set(alias, resolved);
      const list = this.aliasesByGroup.get(resolved.group.name) ?? [];
      list.push(alias);
      this.aliasesByGroup.set(resolved.group.name, list);
      if (typeof target === "string" || target.hidden !== true) this.visibleNames.push(alias);
    }
  }

  resolve(name: string): ResolvedGroup | undefined {
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    for (const group of this.wildcards) {
      const match = group.pattern?.exec(name);
      if (match) return { group, name, captures: match.slice(1) };
    }
    return undefined;
  }

  /** Configured model names (wildcard patterns included) and visible aliases, in config order. */
  names(): string[] {
    return [...this.visibleNames];
  }

  groups(): readonly ModelGroup[] {
    return this.groupList;
  }

  deployment(id: string): Deployment | undefined {
    return this.deploymentById.get(id);
  }

  aliasesOf(groupName: string): readonly string[] {
    return this.aliasesByGroup.get(groupName) ?? [];
  }
}
