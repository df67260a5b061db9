#!/usr/bin/env node
// The llmgate command: runs itself again with the node flags the proxy needs (see node-flags.ts),
// then loads the command proper only in the process that serves.
import { runWithNodeFlags } from "./node-flags.js";

const child = runWithNodeFlags();
if (child === undefined) await import("./cli-main.js");
else process.exit(await child);
