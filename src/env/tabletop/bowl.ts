/**
 * CLIPort's bowl (`bowl/bowl.urdf`, mesh scaled 1.25 × 1.25 × 0.25: about 0.114 m across and 0.035 m tall),
 * built by our code: a lathe mesh for the images and a ring of tilted boxes plus a bottom disc for collision,
 * so a 4 cm block rests inside it. The walls start a little above the bottom disc's underside, so a bowl standing
 * on the table touches it with the disc alone (a few contacts instead of dozens). The body origin is the bowl's centre on the table (the original mesh's
 * origin sits about 2.6 cm off its visual centre, ROBOTICS.md B.7 [INF]; we centre it, so the pose metric's
 * 5 cm tolerance is measured from the middle of the bowl as a viewer would expect).
 */
import { attrs, quatFromRpy } from "../mujoco/mjcf.ts";
import type { TriangleMesh } from "../render3d/scene.ts";

export const BOWL_RIM_RADIUS = 0.057;
export const BOWL_BOTTOM_RADIUS = 0.036;
export const BOWL_HEIGHT = 0.035;
const WALL = 0.004;
const SEGMENTS = 12;

/** The collision geoms of a bowl in its body frame, all with the given name prefix. */
export function bowlCollisionGeoms(prefix: string, mass: number): string {
  const slope = Math.atan2(BOWL_RIM_RADIUS - BOWL_BOTTOM_RADIUS, BOWL_HEIGHT);
  const slant = Math.hypot(BOWL_RIM_RADIUS - BOWL_BOTTOM_RADIUS, BOWL_HEIGHT);
  const midRadius = (BOWL_RIM_RADIUS + BOWL_BOTTOM_RADIUS) / 2 + WALL / 2;
  const tangentHalf = (Math.PI * BOWL_RIM_RADIUS) / SEGMENTS + 0.002;
  const each = mass / (SEGMENTS + 1);
  const parts = [
    `<geom ${attrs({ name: `${prefix}_bottom`, type: "cylinder", size: [BOWL_BOTTOM_RADIUS + WALL, WALL / 2], pos: [0, 0, WALL / 2], rgba: [0.5, 0.5, 0.5, 1], mass: each })}/>`,
  ];
  for (let i = 0; i < SEGMENTS; i++) {
    const a = (2 * Math.PI * i) / SEGMENTS;
    // Box local x is radial (thickness), y tangential, z along the slanted wall; tilt outward about local y.
    const c = Math.cos(a);
    const s = Math.sin(a);
    // Tilt outward about the wall's own y, then turn it to its place round the rim: R = Rz(a)·Ry(slope).
    const quat = quatFromRpy(0, slope, a);
    parts.push(
      `<geom ${attrs({
        name: `${prefix}_wall${i}`,
        type: "box",
        size: [WALL / 2, tangentHalf, slant / 2],
        pos: [c * midRadius, s * midRadius, BOWL_HEIGHT / 2 + WALL],
        quat,
        rgba: [0.5, 0.5, 0.5, 1],
        mass: each,
      })}/>`,
    );
  }
  return parts.join("");
}

let cachedMesh: TriangleMesh | null = null;

/**
 * The bowl's visual: a closed solid of revolution (outer wall, rounded rim, inner wall, inner floor, outer
 * base), triangles counter-clockwise from outside.
 */
export function bowlMesh(): TriangleMesh {
  if (cachedMesh) return cachedMesh;
  // Profile (radius, z) going outside-up, over the rim, inside-down to the centre of the floor.
  const profile: [number, number][] = [[0, 0]];
  const n = 6;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    // A gently curved outer wall: radius grows faster near the bottom.
    const r = BOWL_BOTTOM_RADIUS + (BOWL_RIM_RADIUS - BOWL_BOTTOM_RADIUS) * Math.sin((t * Math.PI) / 2);
    profile.push([r, t * BOWL_HEIGHT]);
  }
  profile.push([BOWL_RIM_RADIUS - WALL / 2, BOWL_HEIGHT + WALL / 2]);
  for (let i = n; i >= 0; i--) {
    const t = i / n;
    const r =
      BOWL_BOTTOM_RADIUS - WALL + (BOWL_RIM_RADIUS - BOWL_BOTTOM_RADIUS) * Math.sin((t * Math.PI) / 2);
    profile.push([r, WALL + t * (BOWL_HEIGHT - WALL)]);
  }
  profile.push([0, WALL]);
  const slices = 24;
  const vertices: number[] = [];
  for (let s = 0; s < slices; s++) {
    const a = (2 * Math.PI * s) / slices;
    for (const [r, z] of profile) vertices.push(r * Math.cos(a), r * Math.sin(a), z);
  }
  const m = profile.length;
  const indices: number[] = [];
  for (let s = 0; s < slices; s++) {
    const s1 = (s + 1) % slices;
    for (let k = 0; k < m - 1; k++) {
      const a = s * m + k;
      const b = s * m + k + 1;
      const c = s1 * m + k + 1;
      const d = s1 * m + k;
      // The profile runs outside-up then inside-down; this winding faces outward on the outer wall.
      indices.push(a, d, c, a, c, b);
    }
  }
  cachedMesh = { vertices: Float32Array.from(vertices), indices: Uint32Array.from(indices) };
  return cachedMesh;
}
