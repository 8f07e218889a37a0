/**
 * Farama MiniGrid's observation wrappers (minigrid/wrappers.py), with the same outputs:
 *
 *   RGBImgObsWrapper         image = the whole grid rendered (tile 8 by default), H*ts x W*ts x 3
 *   RGBImgPartialObsWrapper  image = the agent's view rendered (tile 8 by default), v*ts x v*ts x 3
 *   FullyObsWrapper          image = the whole grid encoded, W x H x 3, the agent as [10, red, dir]
 *   ImgObsWrapper            the image alone, without direction and mission
 *   FlatObsWrapper           the image flattened, then the mission as one-hot characters (28 codes per char)
 *
 * Images stay `Uint8Array`s in numpy's C order for the shape their space gives ([rows, cols, 3] for RGB,
 * like a Frame's data), so wrappers compose as in Farama: `new ImgObsWrapper(new RGBImgPartialObsWrapper(env))`.
 */
import type { Env } from "../core.ts";
import { EnvError, ObservationWrapper, unwrap } from "../core.ts";
import { Box, DictSpace, type Space } from "../spaces.ts";
import { COLOR_TO_IDX, OBJECT_TO_IDX } from "./constants.ts";
import { MiniGridEnv, type MiniGridObs } from "./minigrid-env.ts";

type MiniGrid = Env<MiniGridObs, number>;

/** The MiniGridEnv under any wrappers; the RGB and fully observed wrappers read its state. */
function baseEnv(env: MiniGrid, wrapper: string): MiniGridEnv {
  const inner = unwrap(env as Env<unknown, unknown>);
  if (!(inner instanceof MiniGridEnv)) {
    throw new EnvError(
      `${wrapper} needs a MiniGrid env underneath, got ${inner.constructor.name} (${inner.id})`,
    );
  }
  return inner;
}

/** The wrapped env's observation space as a dict with a Box image, which every MiniGrid obs space is. */
function dictSpace(env: MiniGrid, wrapper: string): DictSpace<MiniGridObs> {
  const space = env.observationSpace;
  if (!(space instanceof DictSpace) || !(space.spaces.image instanceof Box)) {
    throw new EnvError(
      `${wrapper} expects a Dict observation space with a Box "image" (a MiniGrid env or an image wrapper), got ${space.describe()}`,
    );
  }
  return space as DictSpace<MiniGridObs>;
}

/** A uint8 image space. Box checks any typed array; MiniGrid images are always Uint8Array. */
function imageSpace(shape: number[]): Space<Uint8Array> {
  return new Box(0, 255, shape, "uint8") as Space<unknown> as Space<Uint8Array>;
}

/** The dict space with its image replaced. */
function withImage(space: DictSpace<MiniGridObs>, image: Space<Uint8Array>): DictSpace<MiniGridObs> {
  return new DictSpace<MiniGridObs>({ ...space.spaces, image });
}

export interface TileOptions {
  /** Pixels per cell (Farama's tile_size); 8 unless given. */
  tileSize?: number;
}

/** The whole grid rendered as the observation image, highlighted as the env renders (Farama's RGBImgObsWrapper). */
export class RGBImgObsWrapper extends ObservationWrapper<MiniGridObs, MiniGridObs> {
  readonly tileSize: number;
  readonly observationSpace: DictSpace<MiniGridObs>;
  private readonly base: MiniGridEnv;

  constructor(env: MiniGrid, options: TileOptions = {}) {
    super(env);
    this.base = baseEnv(env, "RGBImgObsWrapper");
    this.tileSize = options.tileSize ?? 8;
    const { width, height } = this.base;
    this.observationSpace = withImage(
      dictSpace(env, "RGBImgObsWrapper"),
      imageSpace([height * this.tileSize, width * this.tileSize, 3]),
    );
  }

  protected observation(obs: MiniGridObs): MiniGridObs {
    const frame = this.base.getFrame({ highlight: this.base.highlight, tileSize: this.tileSize });
    return { ...obs, image: frame.data };
  }
}

/** The agent's view rendered as the observation image (Farama's RGBImgPartialObsWrapper). */
export class RGBImgPartialObsWrapper extends ObservationWrapper<MiniGridObs, MiniGridObs> {
  readonly tileSize: number;
  readonly observationSpace: DictSpace<MiniGridObs>;
  private readonly base: MiniGridEnv;

  constructor(env: MiniGrid, options: TileOptions = {}) {
    super(env);
    this.base = baseEnv(env, "RGBImgPartialObsWrapper");
    this.tileSize = options.tileSize ?? 8;
    const px = this.base.agentViewSize * this.tileSize;
    this.observationSpace = withImage(dictSpace(env, "RGBImgPartialObsWrapper"), imageSpace([px, px, 3]));
  }

  protected observation(obs: MiniGridObs): MiniGridObs {
    return { ...obs, image: this.base.getFrame({ tileSize: this.tileSize, agentPov: true }).data };
  }
}

/** The agent marked in the full encoding: [agent, red, direction]. */
const AGENT_TYPE = OBJECT_TO_IDX.agent;
const AGENT_COLOR = COLOR_TO_IDX.red;

/** The whole grid's encoding as the observation image, with the agent on its cell (Farama's FullyObsWrapper). */
export class FullyObsWrapper extends ObservationWrapper<MiniGridObs, MiniGridObs> {
  readonly observationSpace: DictSpace<MiniGridObs>;
  private readonly base: MiniGridEnv;

  constructor(env: MiniGrid) {
    super(env);
    this.base = baseEnv(env, "FullyObsWrapper");
    this.observationSpace = withImage(
      dictSpace(env, "FullyObsWrapper"),
      imageSpace([this.base.width, this.base.height, 3]),
    );
  }

  protected observation(obs: MiniGridObs): MiniGridObs {
    const { grid, agentX, agentY, agentDir } = this.base;
    const image = grid.cells.slice();
    const o = (agentX * grid.height + agentY) * 3;
    image[o] = AGENT_TYPE;
    image[o + 1] = AGENT_COLOR;
    image[o + 2] = agentDir;
    return { ...obs, image };
  }
}

/** Only the image: no direction, no mission (Farama's ImgObsWrapper). */
export class ImgObsWrapper extends ObservationWrapper<Uint8Array, MiniGridObs> {
  readonly observationSpace: Space<Uint8Array>;

  constructor(env: MiniGrid) {
    super(env);
    this.observationSpace = dictSpace(env, "ImgObsWrapper").spaces.image;
  }

  protected observation(obs: MiniGridObs): Uint8Array {
    return obs.image;
  }
}

export interface FlatObsOptions {
  /** Mission characters encoded; longer missions are an error (Farama's maxStrLen, default 96). */
  maxStrLen?: number;
}

/** a..z, space and comma. */
const NUM_CHAR_CODES = 28;

/**
 * The image flattened, followed by the mission one-hot encoded per character: `maxStrLen` rows of 28 codes
 * (a..z, space, comma), lower-cased, zero rows after the end (Farama's FlatObsWrapper).
 */
export class FlatObsWrapper extends ObservationWrapper<Uint8Array, MiniGridObs> {
  readonly maxStrLen: number;
  readonly numCharCodes = NUM_CHAR_CODES;
  readonly observationSpace: Space<Uint8Array>;
  private readonly imageSize: number;
  private cachedMission: string | null = null;
  private cachedCodes: Uint8Array = new Uint8Array(0);

  constructor(env: MiniGrid, options: FlatObsOptions = {}) {
    super(env);
    this.maxStrLen = options.maxStrLen ?? 96;
    this.imageSize = (dictSpace(env, "FlatObsWrapper").spaces.image as unknown as Box).size;
    this.observationSpace = imageSpace([this.imageSize + NUM_CHAR_CODES * this.maxStrLen]);
  }

  protected observation(obs: MiniGridObs): Uint8Array {
    if (obs.mission !== this.cachedMission) {
      this.cachedCodes = this.encodeMission(obs.mission);
      this.cachedMission = obs.mission;
    }
    if (obs.image.length !== this.imageSize) {
      throw new EnvError(
        `FlatObsWrapper: image has ${obs.image.length} bytes, its space says ${this.imageSize}`,
      );
    }
    const flat = new Uint8Array(this.imageSize + this.cachedCodes.length);
    flat.set(obs.image);
    flat.set(this.cachedCodes, this.imageSize);
    return flat;
  }

  private encodeMission(mission: string): Uint8Array {
    if (mission.length > this.maxStrLen) {
      throw new EnvError(
        `FlatObsWrapper: mission is ${mission.length} characters, more than maxStrLen ${this.maxStrLen}; ` +
          "pass a larger maxStrLen",
      );
    }
    const codes = new Uint8Array(this.maxStrLen * NUM_CHAR_CODES);
    const text = mission.toLowerCase();
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      let code: number;
      if (ch >= "a" && ch <= "z") code = ch.charCodeAt(0) - 97;
      else if (ch === " ") code = 26;
      else if (ch === ",") code = 27;
      else
        throw new EnvError(
          `FlatObsWrapper: character "${ch}" in mission "${mission}" has no code (a-z, space, comma)`,
        );
      codes[i * NUM_CHAR_CODES + code] = 1;
    }
    return codes;
  }
}
