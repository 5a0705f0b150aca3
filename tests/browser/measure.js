// What a reader of the loaded page meets beyond axe's rules, measured in the browser
// (tests/chromium.py evaluates this function in the page and reads the object it returns):
//   clipped:  boxes that hide part of their content (overflow hidden or clip) and cut off
//             something visible: text, an icon, an image;
//   scrolling: boxes whose content is wider than they are, so it scrolls sideways;
//   pageOverflow: how far the page itself is wider than the window;
//   charts:   for every chart (an SVG <img>, or an inline <svg> with text, at least 200 px
//             wide), its name and the rendered size in CSS px of each <text> in it.
async () => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 2 && r.height > 2 && s.visibility !== "hidden" && s.display !== "none" && !el.closest("dialog:not([open]), [hidden], [aria-hidden='true']");
  };
  const name = (el) => {
    const parts = [];
    for (let n = el; n && n !== document.body && parts.length < 3; n = n.parentElement) {
      let part = n.tagName.toLowerCase();
      if (n.id) part += "#" + n.id;
      else if (n.classList.length) part += "." + [...n.classList].slice(0, 2).join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const section = (el) => {
    const headings = [...document.querySelectorAll("h1, h2, h3")];
    let last = "";
    for (const h of headings) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) last = h.textContent.replace("#", "").trim();
    }
    return last;
  };
  const all = [...document.body.querySelectorAll("*")];

  const clipped = [];
  const scrolling = [];
  for (const el of all) {
    const ox = getComputedStyle(el).overflowX;
    if (el.scrollWidth <= el.clientWidth + 1 || !visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (ox === "auto" || ox === "scroll") {
      scrolling.push({ element: name(el), section: section(el), content: el.scrollWidth, box: el.clientWidth, table: !!el.querySelector("table") });
    } else if (ox === "hidden" || ox === "clip") {
      // what inside reaches past the box's left or right edge: text, or a leaf element
      let worst = 0;
      let what = "";
      const reach = (rect, label) => {
        const out = Math.max(rect.right - box.right, box.left - rect.left);
        if (rect.width > 0 && out > worst) {
          worst = out;
          what = label;
        }
      };
      const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let t = texts.nextNode(); t; t = texts.nextNode()) {
        if (!t.textContent.trim() || !visible(t.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(t);
        reach(range.getBoundingClientRect(), `"${t.textContent.trim().slice(0, 60)}"`);
      }
      for (const leaf of el.querySelectorAll("img, svg, i, input, button")) {
        if (visible(leaf)) reach(leaf.getBoundingClientRect(), name(leaf));
      }
      if (worst > 1) clipped.push({ element: name(el), section: section(el), cut: Math.round(worst), what });
    }
  }
  const pageOverflow = Math.max(0, document.documentElement.scrollWidth - window.innerWidth);

  // chart text: the SVG's own <text>, scaled as the page renders the chart
  const textSizes = (svg) =>
    [...svg.querySelectorAll("text")]
      .filter((t) => t.textContent.trim())
      .map((t) => {
        const m = t.getScreenCTM();
        const scale = m ? Math.hypot(m.a, m.b) : 1;
        return { text: t.textContent.trim().slice(0, 40), px: Math.round(parseFloat(getComputedStyle(t).fontSize) * scale * 10) / 10 };
      });
  const charts = [];
  const shelf = document.createElement("div");
  shelf.style.cssText = "position:absolute;left:-20000px;top:0;";
  document.body.appendChild(shelf);
  for (const img of document.querySelectorAll("img")) {
    if (!/\.svg(\?|#|$)/i.test(img.getAttribute("src") || "") || img.clientWidth < 200) continue;
    const source = await new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.onload = () => resolve(xhr.responseText);
      xhr.onerror = () => resolve("");
      xhr.open("GET", img.src);
      xhr.send();
    });
    const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
    if (!svg || svg.tagName.toLowerCase() !== "svg") {
      charts.push({ chart: img.getAttribute("src"), error: "could not read the SVG file", texts: [] });
      continue;
    }
    svg.setAttribute("width", img.clientWidth);
    svg.setAttribute("height", img.clientHeight);
    shelf.appendChild(document.importNode(svg, true));
    charts.push({ chart: img.getAttribute("src"), texts: textSizes(shelf.lastChild) });
  }
  shelf.remove();
  [...document.querySelectorAll("svg")].forEach((svg, i) => {
    if (svg.querySelectorAll("text").length >= 5 && svg.getBoundingClientRect().width >= 200) {
      charts.push({ chart: svg.id ? `svg#${svg.id}` : `svg[${i}]`, texts: textSizes(svg) });
    }
  });
  return { url: location.href, clipped, scrolling, pageOverflow, charts };
}
