// Mirrors go-app's loading label ("Loading tokenscope 42%") into a real
// <progress> bar while app.wasm downloads. go-app writes the label with
// innerText, so the bar follows it through a MutationObserver; it goes away
// with the loader when the app starts. Nothing here touches the network.
(function () {
  const label = document.getElementById("app-wasm-loader-label");
  if (!label) {
    return;
  }
  const bar = document.createElement("progress");
  bar.id = "app-wasm-progress";
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", "Loading tokenscope");
  label.after(bar);
  const sync = () => {
    const m = /(\d+)%/.exec(label.textContent);
    if (m) {
      bar.value = Math.min(100, Number(m[1]));
    }
  };
  new MutationObserver(sync).observe(label, { childList: true, characterData: true, subtree: true });
  sync();
})();

// The viewer's time zone (Intl.DateTimeFormat) costs 50 to 100 ms the first
// time a page asks for it, and the app asks as it starts. Asked here, in an
// idle moment while app.wasm downloads, the answer is ready by then.
(function () {
  const warm = () => {
    try {
      Intl.DateTimeFormat().resolvedOptions();
    } catch (err) {
      // No Intl: the app falls back to the UTC offset.
    }
  };
  if (typeof requestIdleCallback === "function") {
    requestIdleCallback(warm, { timeout: 1000 });
  } else {
    setTimeout(warm, 0);
  }
})();
