/**
 * Which pixels a 2D triangle covers, row by row: pixel (i, j) is inside when its centre (i + 0.5, j + 0.5) is,
 * with half-open spans [xLeft, xRight) and rows [yTop, yBottom), so two triangles sharing an edge never both
 * cover a pixel and together leave no gap. Shared by the camera pass, the shadow map and the height map.
 */
export class Spans {
  /** First covered row and one past the last; empty when first >= end. */
  first = 0;
  end = 0;
  /** Per row j: covered pixels [start[j], stop[j]); empty rows have start >= stop. */
  start: Int32Array = new Int32Array(0);
  stop: Int32Array = new Int32Array(0);

  private ensure(rows: number): void {
    if (this.start.length >= rows) return;
    this.start = new Int32Array(rows);
    this.stop = new Int32Array(rows);
  }

  /** Corners for `scan`, so both entry points share one body. */
  private readonly xs = new Float64Array(3);
  private readonly ys = new Float64Array(3);

  /**
   * Fills the spans of triangle (x0, y0), (x1, y1), (x2, y2) clipped to a width x height grid; returns whether
   * any row is covered.
   */
  scan(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    width: number,
    height: number,
  ): boolean {
    const xs = this.xs;
    const ys = this.ys;
    xs[0] = x0;
    xs[1] = x1;
    xs[2] = x2;
    ys[0] = y0;
    ys[1] = y1;
    ys[2] = y2;
    return this.scanIndexed(xs, ys, 0, 1, 2, width, height);
  }

  /**
   * `scan` of the triangle whose corners are entries a, b and c of xs and ys. Hot loops call this one: doubles
   * passed as arguments to a function that is not inlined are boxed, array indices are not.
   */
  scanIndexed(
    xs: Float64Array,
    ys: Float64Array,
    a: number,
    b: number,
    c: number,
    width: number,
    height: number,
  ): boolean {
    const x0 = xs[a];
    const y0 = ys[a];
    const x1 = xs[b];
    const y1 = ys[b];
    const x2 = xs[c];
    const y2 = ys[c];
    // Sort by y without allocating: top (t), middle (m), bottom (b).
    let xt = x0;
    let yt = y0;
    let xm = x1;
    let ym = y1;
    let xb = x2;
    let yb = y2;
    let tx: number;
    let ty: number;
    if (ym < yt) {
      tx = xt;
      ty = yt;
      xt = xm;
      yt = ym;
      xm = tx;
      ym = ty;
    }
    if (yb < ym) {
      tx = xm;
      ty = ym;
      xm = xb;
      ym = yb;
      xb = tx;
      yb = ty;
      if (ym < yt) {
        tx = xt;
        ty = yt;
        xt = xm;
        yt = ym;
        xm = tx;
        ym = ty;
      }
    }
    const first = Math.max(0, Math.ceil(yt - 0.5));
    const end = Math.min(height, Math.ceil(yb - 0.5));
    this.first = first;
    this.end = end;
    if (!(first < end)) return false;
    this.ensure(height);
    const slopeLong = (xb - xt) / (yb - yt);
    const slopeTop = ym > yt ? (xm - xt) / (ym - yt) : 0;
    const slopeBottom = yb > ym ? (xb - xm) / (yb - ym) : 0;
    const start = this.start;
    const stop = this.stop;
    for (let j = first; j < end; j++) {
      const yc = j + 0.5;
      const xLong = xt + (yc - yt) * slopeLong;
      const xShort = yc < ym ? xt + (yc - yt) * slopeTop : xm + (yc - ym) * slopeBottom;
      const xl = Math.min(xLong, xShort);
      const xr = Math.max(xLong, xShort);
      start[j] = Math.max(0, Math.ceil(xl - 0.5));
      stop[j] = Math.min(width, Math.ceil(xr - 0.5));
    }
    return true;
  }
}
