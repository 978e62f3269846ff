// docent serve: live reload. Served at /__docent/reload.js and added to served HTML only.
//
// Listens to /__docent/events. "reload" reloads the page; "pages" reloads it only if its path is
// one of those listed (an edit re-rendered only some pages); "css" swaps same-origin stylesheets
// in place; "overlay" shows a build error (HTML the server escaped) and "clear" removes it.
// EventSource reconnects by itself; the server greets every connection with its build tag, and a
// tag other than this page's (a rebuild or a restart while disconnected) reloads the page.
(() => {
  "use strict";
  const script = document.currentScript;
  let build = script ? script.dataset.build : "";
  const overlayId = "docent-overlay";
  const events = new EventSource("/__docent/events");

  const hide = () => {
    const old = document.getElementById(overlayId);
    if (old) old.remove();
  };

  const show = (html) => {
    hide();
    const template = document.createElement("template");
    template.innerHTML = html;
    document.body.appendChild(template.content);
  };

  // The new sheet replaces the old one once it has loaded, so the page never flashes unstyled.
  const swapStylesheets = (tag) => {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("docent", tag);
      const next = link.cloneNode();
      next.href = url.href;
      next.onload = next.onerror = () => link.remove();
      link.after(next);
    }
  };

  events.addEventListener("hello", (e) => {
    if (build && e.data !== build) location.reload();
  });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("pages", (e) => {
    const { tag, paths } = JSON.parse(e.data);
    let here = decodeURIComponent(location.pathname);
    if (here.endsWith("/index.html")) here = here.slice(0, -"index.html".length);
    if (paths.includes(here)) location.reload();
    else build = tag;
  });
  events.addEventListener("css", (e) => {
    build = e.data;
    swapStylesheets(e.data);
  });
  events.addEventListener("overlay", (e) => show(JSON.parse(e.data)));
  events.addEventListener("clear", hide);
})();
