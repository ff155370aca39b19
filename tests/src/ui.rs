//! What a person does in the app, as test steps: click, type, wait for a
//! text. Every step finds its element by `data-testid` and panics with the
//! test id and the reason when it cannot, so a failing test says which
//! step broke.

use std::time::Duration;

use crate::webdriver::Session;

/// The app's first window, a screen change after a restart.
pub const LOAD: Duration = Duration::from_secs(30);
/// A reaction to a click or a key (a command round trip and a render).
pub const REACT: Duration = Duration::from_secs(10);

/// Scrolls the element to the middle of its scroll area (a sticky footer
/// may hide what WebDriver would only scroll to the edge), then clicks it.
pub fn click(app: &Session, test_id: &str) {
    app.wait_for(test_id, REACT)
        .and_then(|e| {
            e.scroll_into_view()?;
            e.click()
        })
        .unwrap_or_else(|e| panic!("cannot click {test_id}: {e}"));
}

/// Clicks the label of a visually hidden radio or checkbox, as a person does.
pub fn click_label(app: &Session, test_id: &str) {
    app.wait_for(test_id, REACT)
        .and_then(|e| e.click_label())
        .unwrap_or_else(|e| panic!("cannot click the label of {test_id}: {e}"));
}

/// Types into the element. WebKitWebDriver now and then answers a send to
/// an element a render has just replaced with a bare "500 unknown error"
/// (seen once in CI right after a screen change): the element is found
/// again and the text typed again into the emptied field.
pub fn type_into(app: &Session, test_id: &str, text: &str) {
    let mut again = false;
    crate::wait_until_every(REACT, Duration::from_millis(100), || {
        let e = app.wait_for(test_id, REACT)?;
        if again {
            e.clear()?;
        }
        again = true;
        e.send_keys(text).map(Some)
    })
    .unwrap_or_else(|e| panic!("cannot type into {test_id}: {e}"));
}

pub fn set_value(app: &Session, test_id: &str, value: &str) {
    app.wait_for(test_id, REACT)
        .and_then(|e| e.set_value(value))
        .unwrap_or_else(|e| panic!("cannot set {test_id}: {e}"));
}

/// Waits until exactly `n` elements carry `test_id`.
pub fn wait_count(app: &Session, test_id: &str, n: usize, why: &str) {
    crate::wait_until(REACT, || {
        let found = app.all_by_test_id(test_id)?.len();
        Ok((found == n).then_some(()))
    })
    .unwrap_or_else(|e| panic!("{why}: expected {n} × {test_id}: {e}"));
}

/// Waits until the element's text is exactly `value`.
pub fn wait_counter(app: &Session, test_id: &str, value: &str, why: &str) {
    wait_counter_for(app, test_id, value, REACT, why);
}

/// [`wait_counter`] with a longer patience (e.g. a sync that backs off).
pub fn wait_counter_for(app: &Session, test_id: &str, value: &str, timeout: Duration, why: &str) {
    app.wait_for_text(test_id, timeout, |t| t == value)
        .unwrap_or_else(|e| panic!("{why} ({test_id} should read {value}): {e}"));
}

/// Fails unless every test id a test relies on is still in the UI's list
/// (`ui/src/lib/testIds.ts`), by name — or, for a visitor field's input
/// (`walk-in-first-name`) or its suggestion list (`walk-in-commune-suggestions`),
/// named from the field registry.
pub fn assert_test_ids_exist(ids: &[&str]) {
    let path = crate::paths::workspace_root().join("ui/src/lib/testIds.ts");
    let list = std::fs::read_to_string(&path).expect("ui/src/lib/testIds.ts is readable");
    for test_id in ids {
        let (name, suggestions) = match test_id.strip_suffix("-suggestions") {
            Some(name) => (name, true),
            None => (*test_id, false),
        };
        let field = name
            .strip_prefix("walk-in-")
            .map(|f| f.replace('-', "_"))
            .filter(|f| escale_testkit::registry_has_visitor_field(f));
        if field.is_some() {
            assert!(
                list.contains("`walk-in-${field.replaceAll('_', '-')}`"),
                "{test_id}: visitor fields are no longer named walk-in-<field> in {}",
                path.display()
            );
            assert!(
                !suggestions || list.contains("`${visitorFieldId(form, field)}-suggestions`"),
                "{test_id}: suggestion lists are no longer named walk-in-<field>-suggestions in {}",
                path.display()
            );
            continue;
        }
        assert!(
            list.contains(&format!("'{test_id}'")),
            "{test_id} is not in {}: the UI renamed a test id this test relies on",
            path.display()
        );
    }
}

/// Runs axe-core (`ui/node_modules/axe-core`, a dev dependency of the UI)
/// on the page as it is now (once its animations ended), against WCAG 2.1 A and AA, and fails with
/// each violation (rule, impact, the elements) unless there is none.
/// `what` names the screen in the message.
pub fn assert_accessible(app: &Session, what: &str) {
    let path = crate::paths::workspace_root().join("ui/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (npm --prefix ui ci installs axe-core)",
            path.display()
        )
    });
    // Colours are measured as drawn: let a feedback's flash end first.
    crate::wait_until(REACT, || {
        let running = app.execute(
            "return document.getAnimations().filter((a) => a.playState === 'running').length;",
            serde_json::Value::Array(vec![]),
        )?;
        Ok((running.as_u64() == Some(0)).then_some(()))
    })
    .unwrap_or_else(|e| panic!("animations still run on {what}: {e}"));
    app.execute(
        &format!("if (!window.axe) {{ {source} }} window.__axe = null; window.axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }}).then((r) => {{ window.__axe = r.violations.map((v) => ({{ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary) }})); }}, (e) => {{ window.__axe = [{{ id: 'axe-error', help: String(e), nodes: [] }}]; }});"),
        serde_json::Value::Array(vec![]),
    )
    .unwrap_or_else(|e| panic!("axe-core cannot run on {what}: {e}"));
    let violations = crate::wait_until(LOAD, || {
        let found = app.execute("return window.__axe;", serde_json::Value::Array(vec![]))?;
        Ok((!found.is_null()).then_some(found))
    })
    .unwrap_or_else(|e| panic!("axe-core gave no answer on {what}: {e}"));
    let list = violations.as_array().cloned().unwrap_or_default();
    assert!(
        list.is_empty(),
        "{what}: {} accessibility violation(s) (axe-core, WCAG 2.1 AA):\n{}",
        list.len(),
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
}
