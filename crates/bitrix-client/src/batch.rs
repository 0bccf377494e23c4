//! `batch`: named commands sent up to 50 per request, with `$result[...]` references, one
//! outcome per command, and retries of single commands that failed for passing reasons.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use serde_json::{Map, Value, json};

use crate::client::{Client, Repeat, object_params};
use crate::error::{ApiError, Error, ErrorKind};
use crate::phpquery;
use crate::response::{Response, TimeInfo, unsigned};

/// The most commands the portal accepts in one batch.
pub const MAX_COMMANDS: usize = 50;

/// One named command of a batch.
#[derive(Clone, PartialEq)]
pub struct Command {
    pub name: String,
    pub method: String,
    pub params: Map<String, Value>,
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Command {
    fn repeat(&self) -> Repeat {
        Repeat::infer(&self.method, &self.params)
    }

    /// `method?query` as the batch `cmd` entry.
    fn encoded(&self) -> String {
        if self.params.is_empty() {
            self.method.clone()
        } else {
            format!("{}?{}", self.method, phpquery::encode(&self.params))
        }
    }
}

/// Commands to run in one go. More than 50 are sent in several requests, in order; a
/// command may reference the result of any earlier one with `$result[name][...]`,
/// `$result_total[name]` or `$result_next[name]` in a parameter value (references into an
/// earlier request are filled in by the client, the way the portal fills them in).
///
/// ```
/// use bitrix_client::Batch;
/// use serde_json::json;
///
/// let mut batch = Batch::new();
/// batch.push("deal", "crm.deal.get", json!({"id": 42}))?;
/// batch.push("company", "crm.company.get", json!({"id": "$result[deal][COMPANY_ID]"}))?;
/// assert_eq!(batch.len(), 2);
/// # Ok::<(), bitrix_client::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Batch {
    commands: Vec<Command>,
    halt: bool,
}

impl Batch {
    pub fn new() -> Self {
        Batch::default()
    }

    /// With `halt`, the first command that fails for good stops the batch and the commands
    /// after it are reported as [`CommandOutcome::NotRun`].
    pub fn halt(mut self, halt: bool) -> Self {
        self.halt = halt;
        self
    }

    /// Adds a command. Names must be unique and must not contain `[`, `]`, `?`, `&`, `=`,
    /// `$` or whitespace (they appear inside references and query strings).
    pub fn push(
        &mut self,
        name: impl Into<String>,
        method: &str,
        params: Value,
    ) -> Result<&mut Self, Error> {
        let name = name.into();
        let bad_char = |c: char| "[]?&=$".contains(c) || c.is_whitespace();
        if name.is_empty() || name.chars().any(bad_char) {
            return Err(Error::Config(format!(
                "batch command name {name:?} is empty or contains one of []?&=$ or whitespace; \
                 use letters, digits and `_`"
            )));
        }
        if self.commands.iter().any(|c| c.name == name) {
            return Err(Error::Config(format!(
                "batch command name {name:?} is used twice; each command needs its own name"
            )));
        }
        if method.eq_ignore_ascii_case("batch") {
            return Err(Error::Config(
                "a batch cannot contain `batch` (the portal refuses nested batches)".to_string(),
            ));
        }
        let params = object_params(method, params)?;
        self.commands.push(Command {
            name,
            method: method.to_string(),
            params,
        });
        Ok(self)
    }

    pub fn len(&self) -> usize {
        self.commands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    pub fn commands(&self) -> &[Command] {
        &self.commands
    }
}

/// What became of one command.
#[derive(Debug)]
pub enum CommandOutcome {
    Done(Response),
    Failed(Error),
    /// Skipped because an earlier command failed under `halt`.
    NotRun,
}

/// The outcome of every command, in the order they were added.
#[derive(Debug)]
pub struct BatchResults {
    outcomes: Vec<(String, String, CommandOutcome)>,
}

impl BatchResults {
    pub fn get(&self, name: &str) -> Option<&CommandOutcome> {
        self.outcomes
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, o)| o)
    }

    /// The successful answer of `name`, or why there is none.
    pub fn take(&mut self, name: &str) -> Result<Response, Error> {
        let Some(pos) = self.outcomes.iter().position(|(n, _, _)| n == name) else {
            return Err(Error::Config(format!(
                "the batch has no command named {name:?}"
            )));
        };
        let (_, method, outcome) = &mut self.outcomes[pos];
        let method = method.clone();
        match std::mem::replace(outcome, CommandOutcome::NotRun) {
            CommandOutcome::Done(r) => Ok(r),
            CommandOutcome::Failed(e) => Err(e),
            CommandOutcome::NotRun => Err(Error::NotRun {
                command: name.to_string(),
                method,
            }),
        }
    }

    /// `(name, outcome)` in the order of the batch.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CommandOutcome)> {
        self.outcomes.iter().map(|(n, _, o)| (n.as_str(), o))
    }

    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }
}

/// The commands one command refers to.
fn referenced_names(value: &Value, out: &mut HashSet<String>) {
    match value {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(at) = rest.find('$') {
                if let Some(r) = parse_ref(&rest[at..]) {
                    if let Some(first) = r.path.first() {
                        out.insert(first.clone());
                    }
                    rest = &rest[at + r.len..];
                } else {
                    rest = &rest[at + 1..];
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| referenced_names(v, out)),
        Value::Object(map) => map.values().for_each(|v| referenced_names(v, out)),
        _ => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Result,
    Total,
    Next,
}

struct Ref {
    section: Section,
    path: Vec<String>,
    len: usize,
}

/// A reference at the start of `text`: `$result[cmd][a][0]`, `$result_total[cmd]`,
/// `$result_next[cmd]`.
fn parse_ref(text: &str) -> Option<Ref> {
    let (section, mut pos) = [
        ("$result_total[", Section::Total),
        ("$result_next[", Section::Next),
        ("$result[", Section::Result),
    ]
    .into_iter()
    .find(|(prefix, _)| text.starts_with(prefix))
    .map(|(prefix, s)| (s, prefix.len() - 1))?;
    let mut path = Vec::new();
    while text[pos..].starts_with('[') {
        let close = text[pos..].find(']')?;
        path.push(text[pos + 1..pos + close].to_string());
        pos += close + 1;
    }
    (!path.is_empty()).then_some(Ref {
        section,
        path,
        len: pos,
    })
}

fn lookup(known: &HashMap<String, Response>, r: &Ref) -> Option<Value> {
    let (name, rest) = r.path.split_first()?;
    let resp = known.get(name)?;
    match r.section {
        Section::Total => resp.total.map(Value::from),
        Section::Next => resp.next.map(Value::from),
        Section::Result => rest
            .iter()
            .try_fold(&resp.result, |v, key| match v {
                Value::Object(m) => m.get(key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
            .cloned(),
    }
}

/// Fills in references to commands that already ran (in an earlier request), with the
/// portal's rules: a value that is exactly one reference becomes the referenced value
/// (which may be an array), a reference inside longer text is replaced only by a string or
/// number. References to commands not in `known` are left for the portal.
fn substitute(value: &mut Value, known: &HashMap<String, Response>) {
    match value {
        Value::String(s) if s.contains("$result") => {
            if let Some(r) = parse_ref(s)
                && r.len == s.len()
            {
                if let Some(v) = lookup(known, &r) {
                    *value = v;
                }
                return;
            }
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(at) = rest.find('$') {
                out.push_str(&rest[..at]);
                let tail = &rest[at..];
                match parse_ref(tail) {
                    Some(r) => {
                        match lookup(known, &r) {
                            Some(Value::String(text)) => out.push_str(&text),
                            Some(Value::Number(n)) => out.push_str(&n.to_string()),
                            _ => out.push_str(&tail[..r.len]),
                        }
                        rest = &tail[r.len..];
                    }
                    None => {
                        out.push('$');
                        rest = &tail[1..];
                    }
                }
            }
            out.push_str(rest);
            *s = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, known)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, known)),
        _ => {}
    }
}

/// The sections of a batch answer; empty sections arrive as `[]`, and commands named
/// `0..n` make PHP print a section as a list.
fn section<'a>(result: &'a Value, key: &str, name: &str, index: usize) -> Option<&'a Value> {
    match result.get(key)? {
        Value::Object(map) => map.get(name),
        Value::Array(items) if name == index.to_string() => items.get(index),
        _ => None,
    }
}

impl Client {
    /// Runs every command of `batch`; see [`Batch`]. Fails as a whole only when a request
    /// fails (after retries); a failing command is reported in its own outcome.
    ///
    /// A command that fails for a passing reason (rate limit, operation time limit, a server
    /// error for a command that is safe to repeat) is sent again on its own, and commands of
    /// the same request that referenced it (and are safe to repeat) are sent again after it,
    /// since the portal ran them with the reference unresolved. A create that referenced a
    /// failed command keeps the portal's outcome: it cannot be undone.
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let commands = &batch.commands;
        let mut outcomes: Vec<Option<CommandOutcome>> = std::iter::repeat_with(|| None)
            .take(commands.len())
            .collect();
        let mut known: HashMap<String, Response> = HashMap::new();
        let mut queue: VecDeque<usize> = (0..commands.len()).collect();
        let mut halted = false;
        while !queue.is_empty() && !halted {
            let take = queue.len().min(MAX_COMMANDS);
            let chunk: Vec<usize> = queue.drain(..take).collect();
            let resolved: Vec<Command> = chunk
                .iter()
                .map(|&i| {
                    let mut c = commands[i].clone();
                    let mut params = Value::Object(std::mem::take(&mut c.params));
                    substitute(&mut params, &known);
                    if let Value::Object(map) = params {
                        c.params = map;
                    }
                    c
                })
                .collect();
            let answers = self.send_commands(&resolved, batch.halt).await?;
            // Commands re-run on their own in this chunk: those that referenced them ran
            // with an unresolved reference.
            let mut dirty: HashSet<String> = HashSet::new();
            let mut healed_under_halt = false;
            let mut requeue = Vec::new();
            for (pos, (&i, answer)) in chunk.iter().zip(answers).enumerate() {
                let command = &commands[i];
                let mut refs = HashSet::new();
                referenced_names(&Value::Object(command.params.clone()), &mut refs);
                let stale = refs.iter().any(|r| dirty.contains(r));
                let outcome = match answer {
                    CommandOutcome::NotRun if healed_under_halt => {
                        requeue.push(i);
                        continue;
                    }
                    _ if stale && command.repeat() == Repeat::Safe => {
                        dirty.insert(command.name.clone());
                        self.run_alone(command, &known).await
                    }
                    CommandOutcome::Failed(Error::Api(e)) if retry_alone(&e, command) => {
                        if e.kind == ErrorKind::OperationTimeLimit {
                            self.pause_method(&command.method, None, 1);
                        }
                        tracing::info!(
                            command = %command.name,
                            method = %command.method,
                            code = %e.code,
                            "batch command failed for a passing reason; sending it on its own"
                        );
                        dirty.insert(command.name.clone());
                        let outcome = self.run_alone(command, &known).await;
                        if batch.halt && matches!(outcome, CommandOutcome::Done(_)) {
                            healed_under_halt = true;
                        }
                        outcome
                    }
                    other => {
                        if stale {
                            tracing::warn!(
                                command = %command.name,
                                "a create ran with a reference to a command that failed; \
                                 its outcome is kept as the portal gave it"
                            );
                        }
                        other
                    }
                };
                if let CommandOutcome::Done(r) = &outcome {
                    known.insert(command.name.clone(), r.clone());
                }
                let failed = matches!(outcome, CommandOutcome::Failed(_));
                outcomes[i] = Some(outcome);
                if failed && batch.halt {
                    halted = true;
                    for &rest in &chunk[pos + 1..] {
                        outcomes[rest] = Some(CommandOutcome::NotRun);
                    }
                    break;
                }
            }
            for i in requeue.into_iter().rev() {
                queue.push_front(i);
            }
        }
        Ok(BatchResults {
            outcomes: commands
                .iter()
                .zip(outcomes)
                .map(|(c, o)| {
                    (
                        c.name.clone(),
                        c.method.clone(),
                        o.unwrap_or(CommandOutcome::NotRun),
                    )
                })
                .collect(),
        })
    }

    /// One command on its own, references filled in from `known`.
    async fn run_alone(
        &self,
        command: &Command,
        known: &HashMap<String, Response>,
    ) -> CommandOutcome {
        let mut params = Value::Object(command.params.clone());
        substitute(&mut params, known);
        let params = match params {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        match self
            .execute(&command.method, &params, command.repeat())
            .await
        {
            Ok(r) => CommandOutcome::Done(r),
            Err(e) => CommandOutcome::Failed(e),
        }
    }

    /// One `batch` request (retried as a whole) and the raw outcome of each command: no
    /// per-command retries. At most [`MAX_COMMANDS`] commands.
    pub(crate) async fn send_commands(
        &self,
        commands: &[Command],
        halt: bool,
    ) -> Result<Vec<CommandOutcome>, Error> {
        debug_assert!(commands.len() <= MAX_COMMANDS);
        // The portal charges operating time to each command's method, not to `batch`.
        let mut methods: Vec<String> = commands
            .iter()
            .map(|c| c.method.to_ascii_lowercase())
            .collect();
        methods.sort();
        methods.dedup();
        for method in &methods {
            self.wait_if_paused(method).await?;
        }
        let cmd: Map<String, Value> = commands
            .iter()
            .map(|c| (c.name.clone(), Value::String(c.encoded())))
            .collect();
        let params = json!({"halt": if halt { 1 } else { 0 }, "cmd": cmd});
        let params = object_params("batch", params)?;
        let repeat = if commands.iter().any(|c| c.repeat() == Repeat::NotSafe) {
            Repeat::NotSafe
        } else {
            Repeat::Safe
        };
        let resp = self.execute("batch", &params, repeat).await?;
        let result = &resp.result;
        if !result.is_object() {
            return Err(Error::unexpected(
                "batch",
                "`result` is not an object with `result` and `result_error`",
            ));
        }
        Ok(commands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = c.name.as_str();
                if let Some(value) = section(result, "result", name, i) {
                    let time =
                        section(result, "result_time", name, i).and_then(TimeInfo::from_value);
                    if let Some(wait) = time.as_ref().and_then(TimeInfo::seconds_until_reset) {
                        self.saw_reset(&c.method, wait);
                    }
                    return CommandOutcome::Done(Response {
                        result: value.clone(),
                        total: section(result, "result_total", name, i).and_then(unsigned),
                        next: section(result, "result_next", name, i).and_then(unsigned),
                        time,
                    });
                }
                if let Some(err) = section(result, "result_error", name, i) {
                    let text = |k: &str| match err.get(k) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => String::new(),
                        Some(other) => other.to_string(),
                    };
                    // The status of a command is not reported; 0 makes the code alone decide.
                    let e = ApiError::new(&c.method, 0, text("error"), text("error_description"));
                    return CommandOutcome::Failed(Error::Api(e));
                }
                CommandOutcome::NotRun
            })
            .collect())
    }
}

/// Whether a failed command is worth sending again on its own.
fn retry_alone(e: &ApiError, command: &Command) -> bool {
    match e.kind {
        ErrorKind::RateLimited | ErrorKind::OperationTimeLimit => true,
        ErrorKind::Server => command.repeat() == Repeat::Safe,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> HashMap<String, Response> {
        let mut k = HashMap::new();
        k.insert(
            "list".to_string(),
            Response {
                result: json!([{"ID": "7", "TAGS": ["a", "b"]}]),
                total: Some(120),
                next: Some(50),
                time: None,
            },
        );
        k
    }

    #[test]
    fn whole_value_references_keep_the_raw_value() {
        let mut v = json!({"a": "$result[list][0][TAGS]", "b": "$result_total[list]"});
        substitute(&mut v, &known());
        assert_eq!(v, json!({"a": ["a", "b"], "b": 120}));
    }

    #[test]
    fn in_text_references_take_only_scalars_and_unknown_ones_stay() {
        let mut v = json!([
            "Copy of $result[list][0][ID]!",
            "x $result[list][0][TAGS]",
            "$result[other][0][ID]",
            "cost $5",
            "$result_next[list]"
        ]);
        substitute(&mut v, &known());
        assert_eq!(
            v,
            json!([
                "Copy of 7!",
                "x $result[list][0][TAGS]",
                "$result[other][0][ID]",
                "cost $5",
                50
            ])
        );
    }

    #[test]
    fn references_are_found_in_nested_params() {
        let mut names = HashSet::new();
        referenced_names(
            &json!({"filter": {">ID": "$result[p0][49][ID]"}, "x": ["a $result_total[c]"]}),
            &mut names,
        );
        let mut names: Vec<_> = names.into_iter().collect();
        names.sort();
        assert_eq!(names, vec!["c", "p0"]);
    }

    #[test]
    fn command_names_and_methods_are_checked() {
        let mut b = Batch::new();
        b.push("a", "crm.deal.get", json!({"id": 1})).unwrap();
        assert!(b.push("a", "crm.deal.get", json!({})).is_err());
        assert!(b.push("x[0]", "crm.deal.get", json!({})).is_err());
        assert!(b.push("n", "batch", json!({})).is_err());
        assert!(b.push("p", "crm.deal.get", json!([1])).is_err());
        assert_eq!(b.len(), 1);
        assert_eq!(b.commands()[0].encoded(), "crm.deal.get?id=1");
    }

    #[test]
    fn sections_as_objects_lists_or_empty() {
        let r = json!({"result": {"a": 1}, "result_error": [], "list": [5, 6]});
        assert_eq!(section(&r, "result", "a", 0), Some(&json!(1)));
        assert_eq!(section(&r, "result_error", "a", 0), None);
        assert_eq!(section(&r, "list", "1", 1), Some(&json!(6)));
        assert_eq!(section(&r, "list", "a", 1), None);
    }
}
