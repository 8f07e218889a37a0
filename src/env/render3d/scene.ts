/**
 * What the software renderer draws: a list of posed primitives (MuJoCo's geom semantics) seen by a camera.
 * The renderer knows nothing of MuJoCo; the physics side converts MjData geoms into SceneGeoms each frame.
 * This is the contract of /work/wt/RENDER-CONTRACT.md: fields may be added (optional), never changed.
 */
export type Vec3 = readonly [number, number, number];

/** MuJoCo's geom semantics, so a MjData geom maps over field by field. */
export type GeomKind = "plane" | "box" | "sphere" | "capsule" | "cylinder" | "ellipsoid" | "mesh";

export interface TriangleMesh {
  /** xyz triples in the geom's frame. */
  readonly vertices: Float32Array;
  /** Three vertex indices per triangle, counter-clockwise seen from outside. */
  readonly indices: Uint32Array;
}

export interface SceneGeom {
  readonly kind: GeomKind;
  /**
   * MuJoCo geom_size: plane (half x, half y, grid spacing, drawn as a finite rectangle), box (half extents),
   * sphere (radius), capsule and cylinder (radius, half length along local z), ellipsoid (radii).
   */
  readonly size: ArrayLike<number>;
  /** World position of the geom frame (MuJoCo geom_xpos). */
  readonly pos: ArrayLike<number>;
  /** 3x3 rotation, row-major, geom frame → world (MuJoCo geom_xmat). */
  readonly mat: ArrayLike<number>;
  /** Colour 0..1; alpha is ignored by default (Bullet's TinyRenderer draws "transparent" targets opaque). */
  readonly rgba: ArrayLike<number>;
  /** For kind "mesh". */
  readonly mesh?: TriangleMesh;
  /**
   * Per-face colours of a box, 0..1 RGB, in the order +x, -x, +y, -y, +z, -z (panda-gym's Flip cube texture is
   * six coloured faces). Overrides rgba for boxes.
   */
  readonly faceColors?: ReadonlyArray<ArrayLike<number>>;
  /** False: casts no shadow (ghost targets). Default true. */
  readonly castShadow?: boolean;
  /**
   * The value this geom writes into segmentation masks (Rasterizer option `segmentation`, height maps), e.g. a
   * body id. Default: its index, static geoms first, then those passed to render().
   */
  readonly segmentId?: number;
}

/** Bullet's computeViewMatrixFromYawPitchRoll + computeProjectionMatrixFOV (z up, degrees), as panda-gym uses. */
export interface OrbitCamera {
  readonly kind: "orbit";
  readonly target: Vec3;
  readonly distance: number;
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  /** Vertical field of view in degrees. */
  readonly fovY: number;
  readonly near: number;
  readonly far: number;
}

/** A pinhole camera with a pose, as Ravens' RealSense configs: rotation quaternion (x, y, z, w), optical axis = R·(0,0,1), image up = R·(0,-1,0). */
export interface PinholeCamera {
  readonly kind: "pinhole";
  readonly position: Vec3;
  readonly quaternion: readonly [number, number, number, number];
  /** Intrinsics in pixels for the image size rendered. */
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
  readonly near: number;
  readonly far: number;
}

export type Camera = OrbitCamera | PinholeCamera;

export interface RenderOptions {
  readonly width: number;
  readonly height: number;
  /** Clear colour 0..255, default white (TinyRenderer). */
  readonly background?: Vec3;
  /** Direction *towards* the light, default normalise(-50, 30, 100)... see ROBOTICS.md A.9 for the exact shading. */
  readonly lightDirection?: Vec3;
  /** Shadows as TinyRenderer (x0.8 in shadow). Default false (cheaper); panda-gym's look has them. */
  readonly shadows?: boolean;
}
