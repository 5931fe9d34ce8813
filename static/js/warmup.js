// The warm-up of the computational-graph view: the fruit purchase of the graph lesson, as its
// multiply and add layers. The page's ONLY arithmetic lives here, because this toy graph is not
// the network the server computes: each layer keeps what its backward pass needs, as in the
// lesson's MulLayer and AddLayer.

export class MulLayer {
  forward(x, y) {
    this.x = x;
    this.y = y;
    return x * y;
  }

  /** Return [dx, dy]: each input's gradient is dout times the other input. */
  backward(dout) {
    return [dout * this.y, dout * this.x];
  }
}

export class AddLayer {
  forward(x, y) {
    return x + y;
  }

  /** Return [dx, dy]: an add node passes dout unchanged to both inputs. */
  backward(dout) {
    return [dout, dout];
  }
}

/** The purchase: `count` units at `price` each, plus a `fee`; every value of both passes. */
export function purchase(price, count, fee) {
  const mul = new MulLayer();
  const add = new AddLayer();
  const subtotal = mul.forward(price, count);
  const total = add.forward(subtotal, fee);
  const dtotal = 1;
  const [dsubtotal, dfee] = add.backward(dtotal);
  const [dprice, dcount] = mul.backward(dsubtotal);
  return { price, count, fee, subtotal, total, dtotal, dsubtotal, dfee, dprice, dcount };
}
