/**
 * Frame: the one image type every renderer produces and every reward program reads.
 * RGB, row-major, 3 bytes per pixel, no padding: byte (y * width + x) * 3 + c.
 */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function createFrame(width: number, height: number, data?: Uint8Array): Frame {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  const size = width * height * 3;
  if (data && data.length !== size) {
    throw new RangeError(`frame ${width}x${height} needs ${size} bytes of RGB, got ${data.length}`);
  }
  return { width, height, data: data ?? new Uint8Array(size) };
}

export function isFrame(value: unknown): value is Frame {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Frame;
  return (
    Number.isInteger(f.width) &&
    Number.isInteger(f.height) &&
    f.data instanceof Uint8Array &&
    f.data.length === f.width * f.height * 3
  );
}

export function cloneFrame(frame: Frame): Frame {
  return { width: frame.width, height: frame.height, data: frame.data.slice() };
}

export function framesEqual(a: Frame, b: Frame): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Reads one pixel as [r, g, b]. */
export function pixelAt(frame: Frame, x: number, y: number): [number, number, number] {
  const i = (y * frame.width + x) * 3;
  return [frame.data[i], frame.data[i + 1], frame.data[i + 2]];
}
