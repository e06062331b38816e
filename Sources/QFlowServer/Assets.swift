/// The pages' style sheet and their one script, served from `/assets/` (the content policy allows no inline style or
/// script).
extension WorkstationServer {
    /// Big touch targets, the current phase marked, failures in red.
    static let styleSheet = """
        body{font:18px/1.4 system-ui,"Noto Sans CJK SC",sans-serif;margin:1em;max-width:64em}
        button{font-size:1.1em;min-height:48px;min-width:6em;margin:.2em;padding:.3em\
         1em;border-radius:6px;border:1px solid #888}
        button.yes{background:#dfe}button.no{background:#fdd}
        input,textarea,select{font-size:1.1em;min-height:44px;margin:.2em}
        .item{border-bottom:1px solid #ddd;padding:.5em 0}.item.fail{background:#fee}.item.answered{color:#234}
        .critical{color:#a00;font-size:.8em}.error,.fail,.late{color:#a00;font-weight:bold}
        .guidance{color:#555;font-size:.9em}
        section.current{border-left:6px solid #36c;padding-left:.5em}form{display:inline-block}
        .buttons{display:flex;flex-wrap:wrap}a.run{display:inline-block;margin:.2em;padding:.3em .6em;border:1px\
         solid #ccc;border-radius:4px}
        a.run.completed{background:#efe}a.run.stopped{background:#eee}a.run.suspended{background:#ffd}
        nav{margin:.5em 0;padding:.3em 0;border-bottom:1px solid #ccc}nav form.signout\
         button{min-height:36px;font-size:.9em}
        nav .who{font-weight:bold}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3em\
         .5em;text-align:left}
        tr.fail td{background:#fee}tr.done td{background:#efe}.blockers{border:2px solid #c60;padding:.5em;margin:1em 0}
        dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.facts dt{font-weight:bold}
        form.filters label,form.intake label{display:inline-block;margin-right:1em}form.intake{display:block}
        dialog#idle-lock{border:3px solid #36c;border-radius:8px;padding:1.5em;max-width:30em}
        dialog#idle-lock::backdrop{background:rgba(20,30,60,.92)}
        """

    /// The shared-workstation idle lock: after the site's idle time without input the page is covered by a dialog
    /// that asks for the password (the page under it, with whatever was typed, stays as it was). Input keeps the
    /// session's idle clock going with a ping at most once a minute.
    static let script = """
        (function () {
          var meta = function (name) { var m = document.querySelector('meta[name="' + name + '"]'); return m ?\
           m.content : null; };
          var limit = parseInt(meta('qflow-idle-lock') || '0', 10) * 1000;
          var csrf = meta('qflow-csrf');
          var dialog = document.getElementById('idle-lock');
          if (!limit || !dialog || !csrf) return;
          var last = Date.now(), lastPing = Date.now(), locked = false;
          function activity() {
            if (locked) return;
            last = Date.now();
            if (last - lastPing > 60000) {
              lastPing = last;
              fetch('/api/v1/me', { credentials: 'same-origin' }).then(function (r) { if (r.status === 401) lock(); });
            }
          }
          ['keydown', 'pointerdown', 'input', 'touchstart', 'wheel'].forEach(function (e) {
            document.addEventListener(e, activity, true);
          });
          function lock() {
            if (locked) return;
            locked = true;
            if (!dialog.open) dialog.showModal();
            var field = dialog.querySelector('input[name=password]');
            if (field) { field.value = ''; field.focus(); }
          }
          dialog.addEventListener('cancel', function (e) { e.preventDefault(); });
          setInterval(function () { if (!locked && Date.now() - last > limit) lock(); }, 1000);
          document.getElementById('unlock-form').addEventListener('submit', function (e) {
            e.preventDefault();
            var password = dialog.querySelector('input[name=password]').value;
            fetch('/api/v1/sessions/unlock', {
              method: 'POST', credentials: 'same-origin',
              headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
              body: JSON.stringify({ password: password })
            }).then(function (r) {
              if (r.ok) {
                locked = false; last = Date.now(); lastPing = Date.now();
                document.getElementById('unlock-error').hidden = true;
                dialog.close();
              } else {
                document.getElementById('unlock-error').hidden = false;
                if (r.status === 401 && password === '') return;
              }
            });
          });
          document.getElementById('lock-signout').addEventListener('click', function () {
            var form = document.querySelector('form.signout');
            if (form) form.submit();
          });
        })();
        """
}
