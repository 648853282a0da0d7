// Every error the page meets (script errors, failed loads, console.error) is
// listed in the root element's data-errors attribute; its data-ready says the
// page script ran to its end. report_browser_test reads both from the DOM.
(() => {
  const seen = [], put = m => { seen.push(String(m)); document.documentElement.dataset.errors = seen.join(' | '); };
  window.addEventListener('error', e => put(e.message || 'failed to load ' + (e.target && (e.target.src || e.target.href))), true);
  window.addEventListener('unhandledrejection', e => put('unhandled rejection: ' + e.reason));
  const ce = console.error.bind(console); console.error = (...a) => { put(a.join(' ')); ce(...a); };
})();
