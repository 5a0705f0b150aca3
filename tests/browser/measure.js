// What a reader of the loaded page meets beyond axe's rules, measured in the browser
// (tests/chromium.py evaluates this function in the page and reads the object it returns):
//   clipped:  boxes that hide part of their content (overflow hidden or clip) and cut off
//             something visible: text, an icon, an image;
//   scrolling: boxes whose content is wider than they are, so it scrolls sideways;
//   pageOverflow: how far the page itself is wider than the window;
//   tables:   for every table, how it is drawn: its body rows of more than one cell, how
//             many of them are stacked (each cell below the one before: a card) and the
//             cells whose label drawn before them (CSS ::before) is not their column's
//             header; and how many table, tr, th and td elements the page holds;
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

  // tables: the label a cell shows is the first string of its ::before content
  const shownLabel = (cell) => {
    const match = /^"((?:[^"\\]|\\.)*)"/.exec(getComputedStyle(cell, "::before").content);
    return match ? match[1].replace(/\\(.)/g, "$1") : "";
  };
  const words = (el) => el.textContent.replace(/\s+/g, " ").trim();
  const tables = [...document.querySelectorAll("table")].map((table) => {
    const headers = [...table.querySelectorAll(":scope > thead > tr:last-child > th")].flatMap((th) => Array(th.colSpan).fill(words(th)));
    const rows = [...table.querySelectorAll(":scope > tbody > tr")].filter((tr) => tr.children.length > 1);
    let stacked = 0;
    const mislabelled = [];
    for (const tr of rows) {
      const boxes = [...tr.children].map((cell) => cell.getBoundingClientRect());
      if (boxes.every((b, i) => i === 0 || b.top >= boxes[i - 1].bottom - 1)) stacked++;
      let column = 0;
      for (const cell of tr.children) {
        const header = headers[column] || "";
        column += cell.colSpan;
        if (shownLabel(cell) !== header && mislabelled.length < 3) mislabelled.push({ header, shown: shownLabel(cell), cell: words(cell).slice(0, 40) });
      }
    }
    return { section: section(table), headers, rows: rows.length, stacked, mislabelled };
  });
  const elements = Object.fromEntries(["table", "tr", "th", "td"].map((tag) => [tag, document.querySelectorAll(tag).length]));

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
  return { url: location.href, clipped, scrolling, pageOverflow, tables, tableElements: elements, charts };
}
