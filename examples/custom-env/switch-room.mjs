/**
 * A custom environment brought to vlmcar as a plugin (docs/PLUGINS.md): "SwitchRoom-v0", a 7×7 room where
 * the agent (red) must step on a switch (green, yellow once pressed) and then reach the goal (blue).
 *
 *   npx vlmcar --import ./examples/custom-env/switch-room.mjs collect --env SwitchRoom-v0 --policy expert ...
 *
 * Importing this module registers the env with `make()` and its expert with `expertFor()`; plain JavaScript,
 * so it runs from any Node project that installed vlmcar, and from this repository.
 */
import { BaseEnv, Box, createFrame, Discrete, register } from "vlmcar/env";
import { registerExpert } from "vlmcar/policies";

const SIZE = 7;
const TILE = 16;
const ACTIONS = ["left", "right", "up", "down"];
const MOVES = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];
const COLORS = {
  floor: [30, 30, 30],
  line: [70, 70, 70],
  agent: [220, 40, 40],
  switch: [40, 180, 60],
  pressed: [230, 200, 40],
  goal: [50, 90, 220],
};

/** mulberry32: a small seeded generator, so a seed always gives the same layout. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SwitchRoomEnv extends BaseEnv {
  id = "SwitchRoom-v0";
  actionSpace = new Discrete(ACTIONS.length);
  /**
   * A symbolic 7×7×3 image, like MiniGrid's, so vlmcar's PPO can train on it: channel 0 holds what is in each
   * cell (1 floor, 2 agent, 3 switch, 4 goal), channel 1 whether the switch is pressed.
   */
  observationSpace = new Box(0, 255, [SIZE, SIZE, 3], "uint8");
  metadata = { tileSize: TILE };

  constructor(options = {}) {
    super();
    this.maxSteps = options.maxSteps ?? 40;
    this.random = generator(0);
  }

  doReset({ seed }) {
    if (seed !== undefined) this.random = generator(seed);
    const cells = [];
    while (cells.length < 3) {
      const cell = [Math.floor(this.random() * SIZE), Math.floor(this.random() * SIZE)];
      if (!cells.some(([x, y]) => x === cell[0] && y === cell[1])) cells.push(cell);
    }
    [this.agent, this.switchAt, this.goal] = cells;
    this.pressed = false;
    this.steps = 0;
    return { obs: this.observe(), info: { events: [] } };
  }

  doStep(action) {
    this.steps += 1;
    const [dx, dy] = MOVES[action];
    this.agent = [
      Math.min(SIZE - 1, Math.max(0, this.agent[0] + dx)),
      Math.min(SIZE - 1, Math.max(0, this.agent[1] + dy)),
    ];
    const events = [];
    if (!this.pressed && same(this.agent, this.switchAt)) {
      this.pressed = true;
      events.push({ type: "toggle", object: "switch", text: "pressed the switch" });
    }
    const success = this.pressed && same(this.agent, this.goal);
    if (success) events.push({ type: "goal", object: "goal", text: "reached the goal after the switch" });
    return {
      obs: this.observe(),
      reward: success ? 1 - (0.9 * this.steps) / this.maxSteps : 0,
      terminated: success,
      truncated: !success && this.steps >= this.maxSteps,
      info: { events },
    };
  }

  render() {
    const frame = createFrame(SIZE * TILE, SIZE * TILE);
    for (let cy = 0; cy < SIZE; cy++) {
      for (let cx = 0; cx < SIZE; cx++) {
        let color = COLORS.floor;
        if (same([cx, cy], this.switchAt)) color = this.pressed ? COLORS.pressed : COLORS.switch;
        if (same([cx, cy], this.goal)) color = COLORS.goal;
        if (same([cx, cy], this.agent)) color = COLORS.agent;
        fillCell(frame, cx, cy, color);
      }
    }
    return frame;
  }

  observe() {
    const image = new Uint8Array(SIZE * SIZE * 3);
    for (let i = 0; i < SIZE * SIZE; i++) {
      image[i * 3] = 1;
      image[i * 3 + 1] = this.pressed ? 1 : 0;
    }
    const put = ([x, y], code) => {
      image[(y * SIZE + x) * 3] = code;
    };
    put(this.switchAt, 3);
    put(this.goal, 4);
    put(this.agent, 2);
    return image;
  }
}

/** The expert: walks to the switch, then to the goal, reading the env's true state (a privileged policy). */
export class SwitchRoomExpert {
  name = "expert";
  reset() {}
  act(_obs, env) {
    // Verification and training wrap the env; `unwrapped` is the SwitchRoomEnv inside.
    const room = env.unwrapped ?? env;
    const target = room.pressed ? room.goal : room.switchAt;
    const [dx, dy] = [target[0] - room.agent[0], target[1] - room.agent[1]];
    if (dx !== 0) return dx < 0 ? 0 : 1;
    return dy < 0 ? 2 : 3;
  }
}

function same(a, b) {
  return a[0] === b[0] && a[1] === b[1];
}

function fillCell(frame, cx, cy, color) {
  for (let y = cy * TILE; y < (cy + 1) * TILE; y++) {
    for (let x = cx * TILE; x < (cx + 1) * TILE; x++) {
      const edge = x % TILE === 0 || y % TILE === 0;
      frame.data.set(edge ? COLORS.line : color, (y * frame.width + x) * 3);
    }
  }
}

register({
  id: "SwitchRoom-v0",
  factory: (options) => new SwitchRoomEnv(options),
  description: "step on the switch, then reach the goal",
});
registerExpert("SwitchRoom-v0", () => new SwitchRoomExpert());
