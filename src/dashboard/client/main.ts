// The dashboard's browser entry point, bundled with Preact, htm and uPlot by scripts/bundle.mjs.
import { html } from "htm/preact";
import { render } from "preact";
import { App } from "./app.js";

const root = document.getElementById("app");
if (root !== null) {
  root.replaceChildren();
  render(html`<${App} />`, root);
}
