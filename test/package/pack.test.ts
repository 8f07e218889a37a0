/**
 * The package as a user gets it: `npm pack` (which builds dist/ in `prepare`), the tarball unpacked into an
 * empty project's node_modules, then used from plain Node ESM (no tsx), from a strict TypeScript project
 * (`tsc --init` defaults, and the same with lib checking on), and through its `vlmcar` bin with a plugin.
 *
 * The tarball's dependencies are linked from this checkout's node_modules rather than downloaded, so the test
 * needs no network and no native rebuild; only the declared dependencies are linked, so a module the package
 * uses without declaring it fails to resolve here.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";

const repo = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
};
const work = mkdtempSync(join(tmpdir(), "vlmcar-pack-"));
const consumer = join(work, "consumer");
const installed = join(consumer, "node_modules", "vlmcar");
let files: string[] = [];

function link(name: string): void {
  const target = join(consumer, "node_modules", name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(repo, "node_modules", name), target, "dir");
}

function node(args: string[], cwd = consumer): string {
  return execFileSync(process.execPath, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

before(() => {
  // Packed from a copy of the checkout, so `prepare` builds a dist/ of its own: the test needs no earlier
  // build and does not rewrite the checkout's dist/ while other tests may read it.
  const copy = join(work, "checkout");
  for (const entry of ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md"]) {
    cpSync(join(repo, entry), join(copy, entry));
  }
  for (const entry of ["src", "scripts", "bin", "zoo", "docs"]) {
    cpSync(join(repo, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(repo, "node_modules"), join(copy, "node_modules"), "dir");
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: copy,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0].files.map((f) => f.path);
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", join(work, packed[0].filename), "-C", installed, "--strip-components=1"]);
  for (const name of Object.keys(manifest.dependencies)) link(name);
  link("typescript");
  link("@types/node");
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
});

after(() => rmSync(work, { recursive: true, force: true }));

test("the tarball holds compiled JavaScript and declarations, not the TypeScript sources", () => {
  assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"));
  for (const sub of Object.keys(manifest.exports).filter((k) => k !== "." && k !== "./package.json")) {
    assert.ok(files.includes(`dist/api/${sub.slice(2)}.js`), `dist/api/${sub.slice(2)}.js is packed`);
  }
  assert.ok(files.includes("dist/program/prelude/vision.js"), "run-time assets are copied into dist/");
  assert.ok(files.includes("dist/generate/prompts/system.md"));
  assert.deepEqual(
    files.filter((f) => f.startsWith("src/") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))),
    [],
  );
});

test("plain Node ESM imports the root and every subpath", () => {
  const subpaths = Object.keys(manifest.exports)
    .filter((k) => k !== "./package.json")
    .map((k) => (k === "." ? "vlmcar" : `vlmcar/${k.slice(2)}`));
  writeFileSync(
    join(consumer, "use.mjs"),
    `${subpaths.map((s, i) => `import * as m${i} from "${s}";`).join("\n")}
import { make, registeredIds, expertFor, VERSION } from "vlmcar";
import { Discrete } from "vlmcar/env";
const env = make("MiniGrid-DoorKey-5x5-v0");
let { obs } = env.reset({ seed: 1 });
const expert = expertFor(env);
expert.reset(env, 1);
let steps = 0, done = false, reward = 0;
while (!done && steps < 100) {
  const r = env.step(expert.act(obs, env));
  obs = r.obs; reward += r.reward; done = r.terminated || r.truncated; steps++;
}
const frame = env.render();
console.log(JSON.stringify({
  version: VERSION, ids: registeredIds().length, reward, frame: [frame.width, frame.height],
  discrete: new Discrete(3).n, exports: [${subpaths.map((_, i) => `Object.keys(m${i}).length`).join(", ")}],
}));
`,
  );
  const out = JSON.parse(node(["use.mjs"]).trim()) as {
    version: string;
    ids: number;
    reward: number;
    frame: number[];
    discrete: number;
    exports: number[];
  };
  assert.equal(out.version, manifest.version);
  assert.ok(out.ids > 20, `MiniGrid registers its ids (${out.ids})`);
  assert.ok(out.reward > 0, "the expert solves DoorKey-5x5");
  assert.deepEqual(out.frame, [160, 160]);
  assert.equal(out.discrete, 3);
  for (const n of out.exports) assert.ok(n > 0 && n < 60, `a small curated subpath (${n} exports)`);
});

test("a strict TypeScript project type-checks against the declarations", () => {
  writeFileSync(
    join(consumer, "use.ts"),
    `import { make, expertFor, loadRewardProgram, type RewardProgram, RewardWrapper, VERSION } from "vlmcar";
import { BaseEnv, Discrete, createFrame, register, type Frame, type ResetResult, type StepResult } from "vlmcar/env";
import { registerExpert, type Policy } from "vlmcar/policies";
import { verifyProgram, type VerificationReport } from "vlmcar/verify";
import { Ppo, PPO_DEFAULTS, type PpoConfig } from "vlmcar/rl";
import { createVlmClient, type ChatRequest } from "vlmcar/vlm";
import { executeRun, type RunConfig } from "vlmcar/experiments";
import { collectTrajectories } from "vlmcar/trajectories";
import { generateProgram } from "vlmcar/generate";

class Line extends BaseEnv<number> {
  readonly id = "Line-v0";
  readonly observationSpace = new Discrete(5);
  readonly actionSpace = new Discrete(2);
  private at = 0;
  protected doReset(): ResetResult<number> {
    this.at = 0;
    return { obs: this.at, info: {} };
  }
  protected doStep(action: number): StepResult<number> {
    this.at = Math.max(0, Math.min(4, this.at + (action === 1 ? 1 : -1)));
    return { obs: this.at, reward: this.at === 4 ? 1 : 0, terminated: this.at === 4, truncated: false, info: {} };
  }
  render(): Frame {
    return createFrame(5, 1);
  }
}
register({ id: "Line-v0", factory: () => new Line() });
const right: Policy<unknown, number> = { name: "right", reset() {}, act: () => 1 };
registerExpert("Line-v0", () => right);

const env = make("MiniGrid-DoorKey-5x5-v0");
const policy: Policy<unknown, unknown> = expertFor(env);
const config: Partial<PpoConfig> = { ...PPO_DEFAULTS, lr: 3e-4 };
const request: ChatRequest = { messages: [{ role: "user", content: ["hi"] }] };
const run: RunConfig | undefined = undefined;
const report: VerificationReport | undefined = undefined;
const program: RewardProgram | undefined = undefined;
export const used = [
  policy, config, request, run, report, program, VERSION, loadRewardProgram, RewardWrapper, verifyProgram,
  Ppo, createVlmClient, executeRun, collectTrajectories, generateProgram,
];
`,
  );
  const tsc = join(consumer, "node_modules", "typescript", "bin", "tsc");
  node([tsc, "--init"]);
  // Errors in our declarations or in the consumer's file; with lib checking on, a dependency's own
  // declarations may have errors of their own (@jax-js/jax's name WebGPU types), which are not ours to fix.
  const ours = (extra: string[]) => {
    try {
      node([tsc, "--noEmit", ...extra]);
      return [];
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      const lines = `${e.stdout ?? ""}${e.stderr ?? ""}`.split("\n").filter((l) => /error TS/.test(l));
      assert.ok(lines.length > 0, `tsc failed without type errors: ${e.stderr}`);
      return lines.filter((l) => l.startsWith("use.ts") || l.includes("node_modules/vlmcar/"));
    }
  };
  // Exactly what `tsc --init` gives: strict, nodenext, exactOptionalPropertyTypes, no @types.
  assert.deepEqual(ours([]), []);
  // And with every declaration file checked, against Node's types.
  assert.deepEqual(ours(["--skipLibCheck", "false", "--types", "node"]), []);
});

test("the installed bin runs the compiled CLI and imports a plugin", () => {
  const bin = join(installed, "bin", "vlmcar.mjs");
  // The consumer's own repository is not vlmcar's: its commit must not be reported as vlmcar's version.
  const git = (...args: string[]) => execFileSync("git", args, { cwd: consumer, stdio: "ignore" });
  git("init", "-q");
  git(
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@example.com",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "consumer",
  );
  assert.equal(node([bin, "--version"]), `vlmcar ${manifest.version}\n`);
  cpSync(join(repo, "examples", "custom-env"), join(consumer, "custom-env"), { recursive: true });
  const out = node([bin, "--import", "./custom-env/switch-room.mjs", "envs", "--json"]).trim().split("\n");
  const ids = (JSON.parse(out.at(-1) ?? "{}") as { envs: string[] }).envs;
  assert.ok(ids.includes("SwitchRoom-v0") && ids.includes("MiniGrid-DoorKey-8x8-v0"));
});
