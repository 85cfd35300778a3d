// Drawing canvas of helpers.drawing.DigitCanvas (an anywidget module, no build step).
// The browser only records strokes (lists of [x, y] canvas pixels) and draws them for
// the eye; Python makes the pixels the network sees (helpers.drawing.rasterize_strokes).

function render({ model, el }) {
  const size = model.get("size");
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  canvas.className = "digit-canvas";
  canvas.setAttribute("aria-label", "Drawing canvas: draw one digit with the mouse, a pen or a finger");
  const ctx = canvas.getContext("2d");
  const clear = document.createElement("button");
  clear.textContent = "Clear";
  clear.className = "digit-clear";
  const hint = document.createElement("div");
  hint.className = "digit-hint";
  hint.textContent = "Draw one digit, large, in the middle.";
  let current = null; // the stroke being drawn, not yet sent to Python

  function paint() {
    ctx.fillStyle = "black";
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = "white";
    ctx.fillStyle = "white";
    ctx.lineWidth = model.get("line_width");
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    const strokes = model.get("strokes").concat(current ? [current] : []);
    for (const stroke of strokes) {
      if (stroke.length === 1) {
        ctx.beginPath();
        ctx.arc(stroke[0][0], stroke[0][1], ctx.lineWidth / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(stroke[0][0], stroke[0][1]);
      for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
      ctx.stroke();
    }
  }

  function position(event) {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * size) / box.width;
    const y = ((event.clientY - box.top) * size) / box.height;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  function start(event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [position(event)];
    paint();
  }

  function move(event) {
    if (!current) return;
    const p = position(event);
    const q = current[current.length - 1];
    if (Math.hypot(p[0] - q[0], p[1] - q[1]) >= 2) {
      current.push(p);
      paint();
    }
  }

  function finish() {
    if (!current) return;
    const stroke = current;
    current = null;
    model.set("strokes", [...model.get("strokes"), stroke]);
    model.save_changes();
    paint();
  }

  canvas.addEventListener("pointerdown", start);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  clear.addEventListener("click", () => {
    current = null;
    model.set("strokes", []);
    model.save_changes();
    paint();
  });
  model.on("change:strokes", paint);
  el.classList.add("digit-pad");
  el.append(canvas, clear, hint);
  paint();
  return () => model.off("change:strokes", paint);
}

export default { render };
