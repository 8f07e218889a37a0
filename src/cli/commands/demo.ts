import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { EnvEvent } from "../../env/core.ts";
import { EnvError } from "../../env/core.ts";
import { make } from "../../env/registry.ts";
import { hstack } from "../../image/compose.ts";
import type { Frame } from "../../image/frame.ts";
import { encodeGif } from "../../image/gif.ts";
import { writePng } from "../../image/png.ts";
import { expertFor } from "../../policies/index.ts";
import {
  defaultRenderFor,
  isSceneEnv,
  type RenderSpec,
  renderOptions,
} from "../../trajectories/render-spec.ts";
import { CommandOutput, checkWritableFolder, UserError } from "../output.ts";
import { checkEnvId } from "./train.ts";

interface DemoOptions {
  env: string;
  seed: string;
  out: string;
  size?: string;
  json?: boolean;
}

/**
 * Renders one expert episode: the whole episode as a GIF, and a PNG strip of the frames where something
 * happened (ground-truth events), which is what a reward program has to recognise.
 */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("roll out the expert in an environment and write a GIF and a PNG strip of its key frames")
    .option("--env <id>", "environment id", "MiniGrid-DoorKey-8x8-v0")
    .option("--seed <n>", "reset seed", "0")
    .option("--out <dir>", "output folder", "runs/demo")
    .option(
      "--size <WxH>",
      "frame size of a 3D scene, e.g. 720x480 (default: Panda 160x120, Tabletop 640x480)",
    )
    .option("--json", "end with one JSON line")
    .action(async (opts: DemoOptions) => {
      const out = new CommandOutput(opts);
      const seed = Number(opts.seed);
      if (!Number.isSafeInteger(seed) || seed < 0)
        throw new UserError(`--seed must be a non-negative integer, got ${opts.seed}`);
      checkEnvId(opts.env);
      checkWritableFolder(opts.out);
      const env = make<unknown, unknown>(opts.env, renderOptions(demoRender(opts.env, opts.size)));
      let expert: ReturnType<typeof expertFor>;
      try {
        expert = expertFor(env);
      } catch (error) {
        if (error instanceof EnvError) throw new UserError(error.message);
        throw error;
      }
      let { obs } = env.reset({ seed });
      expert.reset(env, seed);
      const frames: Frame[] = [env.render()];
      const keyFrames: Frame[] = [frames[0]];
      const events: { step: number; event: EnvEvent }[] = [];
      let ret = 0;
      for (let t = 1; ; t++) {
        const r = env.step(expert.act(obs, env));
        obs = r.obs;
        ret += r.reward;
        const frame = env.render();
        frames.push(frame);
        for (const event of r.info.events ?? []) events.push({ step: t, event });
        if (r.info.events?.length) keyFrames.push(frame);
        if (r.terminated || r.truncated) break;
      }
      const dir = resolve(opts.out, `${opts.env}-seed${seed}`);
      await mkdir(dir, { recursive: true });
      const gifPath = join(dir, "episode.gif");
      const stripPath = join(dir, "key-frames.png");
      await writeFile(gifPath, encodeGif(frames, 150));
      await writePng(stripPath, hstack(keyFrames, 4));
      const summary = {
        env: opts.env,
        seed,
        steps: frames.length - 1,
        return: ret,
        events,
        gif: gifPath,
        strip: stripPath,
      };
      await writeFile(join(dir, "episode.json"), `${JSON.stringify(summary, null, 2)}\n`);
      out.say(
        `${opts.env} seed ${seed}: the expert finished in ${summary.steps} steps with return ${ret.toFixed(3)}`,
      );
      for (const { step, event } of events) out.say(`  step ${String(step).padStart(3)}: ${event.text}`);
      out.say(`wrote ${gifPath}`);
      out.say(`wrote ${stripPath}`);
      out.result(summary);
    });
}

/** The demo's frames: the env's default render, at `--size` for a 3D scene. */
function demoRender(envId: string, size: string | undefined): RenderSpec {
  const render = defaultRenderFor(envId);
  if (size === undefined) return render;
  if (!isSceneEnv(envId) || render.mode !== "scene") {
    throw new UserError(
      `--size applies to 3D scenes (Panda and Tabletop ids); ${envId} is rendered as a grid`,
    );
  }
  return { ...render, ...parseSize(size) };
}

/** "WxH" as a frame size, or a UserError saying what is expected. */
export function parseSize(text: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(text.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1 || width > 8192 || height > 8192) {
    throw new UserError(`--size must be WIDTHxHEIGHT with each in 1..8192, e.g. 160x120; got "${text}"`);
  }
  return { width, height };
}
