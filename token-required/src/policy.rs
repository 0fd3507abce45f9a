//! Who may pass a guarded handler: the groups and scopes it requires.

use serde_json::Value;

use crate::AuthError;

/// The groups and scopes a handler requires, as written in its
/// `#[token_required(...)]` arguments.
///
/// `groups` and `scopes` require every listed value; `any_groups` and
/// `any_scopes` require at least one. Arguments combine: a token must meet
/// all of them. An empty policy admits every valid token. An `optional`
/// policy also admits a request that carries no token at all (but never one
/// whose token is invalid).
///
/// ```
/// use serde_json::json;
/// use token_required::Policy;
///
/// const EDITORS: Policy = Policy::new().any_groups(&["admin", "editor"]);
/// let claims = json!({"cognito:groups": ["editor"]});
/// assert!(EDITORS.check(&claims, "cognito:groups").is_ok());
///
/// const READERS: Policy = Policy::new().scopes(&["users:read", "users:list"]);
/// let claims = json!({"scope": "users:read openid"});
/// assert!(READERS.check(&claims, "cognito:groups").is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    optional: bool,
    issuer: Option<&'static str>,
    all_groups: &'static [&'static str],
    any_groups: &'static [&'static str],
    all_scopes: &'static [&'static str],
    any_scopes: &'static [&'static str],
}

impl Policy {
    /// A policy that admits every valid token.
    pub const fn new() -> Self {
        Self {
            optional: false,
            issuer: None,
            all_groups: &[],
            any_groups: &[],
            all_scopes: &[],
            any_scopes: &[],
        }
    }

    /// Also admits requests without any token, which reach the handler
    /// with no claims; a token that is present must still be valid.
    pub const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Whether requests without a token are admitted.
    pub const fn is_optional(&self) -> bool {
        self.optional
    }

    /// Has the token checked by the validator named `name` in the app's
    /// [`Validators`](crate::Validators).
    pub const fn issuer(mut self, name: &'static str) -> Self {
        self.issuer = Some(name);
        self
    }

    /// The validator name the policy asks for.
    pub const fn issuer_name(&self) -> Option<&'static str> {
        self.issuer
    }

    /// Requires membership of every one of `groups`.
    pub const fn groups(mut self, groups: &'static [&'static str]) -> Self {
        self.all_groups = groups;
        self
    }

    /// Requires membership of at least one of `groups`.
    pub const fn any_groups(mut self, groups: &'static [&'static str]) -> Self {
        self.any_groups = groups;
        self
    }

    /// Requires every one of `scopes`.
    pub const fn scopes(mut self, scopes: &'static [&'static str]) -> Self {
        self.all_scopes = scopes;
        self
    }

    /// Requires at least one of `scopes`.
    pub const fn any_scopes(mut self, scopes: &'static [&'static str]) -> Self {
        self.any_scopes = scopes;
        self
    }

    /// Every scope the policy names, for the `scope` attribute of an
    /// `insufficient_scope` challenge.
    pub(crate) fn named_scopes(&self) -> impl Iterator<Item = &'static str> {
        self.all_scopes.iter().chain(self.any_scopes).copied()
    }

    /// Checks verified claims against the policy. Groups are read from the
    /// claim `groups_claim` (an array of strings, or one string); scopes from
    /// `scope` (space-separated, or an array of strings).
    ///
    /// # Errors
    ///
    /// [`AuthError::InsufficientGroups`] or [`AuthError::InsufficientScope`].
    pub fn check(&self, claims: &Value, groups_claim: &str) -> Result<(), AuthError> {
        if !self.all_groups.is_empty() || !self.any_groups.is_empty() {
            let held = claims.get(groups_claim);
            let has = |group: &&str| holds_group(held, group);
            if !self.all_groups.iter().all(has) {
                return Err(AuthError::InsufficientGroups);
            }
            if !self.any_groups.is_empty() && !self.any_groups.iter().any(has) {
                return Err(AuthError::InsufficientGroups);
            }
        }

        if !self.all_scopes.is_empty() || !self.any_scopes.is_empty() {
            let held = claims.get("scope");
            let has = |scope: &&str| holds_scope(held, scope);
            if !self.all_scopes.iter().all(has) {
                return Err(AuthError::InsufficientScope);
            }
            if !self.any_scopes.is_empty() && !self.any_scopes.iter().any(has) {
                return Err(AuthError::InsufficientScope);
            }
        }

        Ok(())
    }
}

fn holds_group(held: Option<&Value>, group: &str) -> bool {
    match held {
        Some(Value::Array(items)) => items.iter().any(|g| g.as_str() == Some(group)),
        Some(Value::String(one)) => one == group,
        _ => false,
    }
}

fn holds_scope(held: Option<&Value>, scope: &str) -> bool {
    match held {
        Some(Value::String(list)) => list.split_ascii_whitespace().any(|s| s == scope),
        Some(Value::Array(items)) => items.iter().any(|s| s.as_str() == Some(scope)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const CLAIM: &str = "cognito:groups";

    #[test]
    fn all_of_and_any_of_groups() {
        let claims = json!({CLAIM: ["a", "b"]});
        assert!(Policy::new()
            .groups(&["a", "b"])
            .check(&claims, CLAIM)
            .is_ok());
        assert_eq!(
            Policy::new().groups(&["a", "c"]).check(&claims, CLAIM),
            Err(AuthError::InsufficientGroups)
        );
        assert!(Policy::new()
            .any_groups(&["c", "b"])
            .check(&claims, CLAIM)
            .is_ok());
        assert_eq!(
            Policy::new().any_groups(&["c", "d"]).check(&claims, CLAIM),
            Err(AuthError::InsufficientGroups)
        );
    }

    #[test]
    fn groups_of_the_wrong_type_or_missing_grant_nothing() {
        let policy = Policy::new().groups(&["admin"]);
        for claims in [
            json!({}),
            json!({CLAIM: null}),
            json!({CLAIM: 1}),
            json!({CLAIM: [1, {"admin": true}]}),
            json!({CLAIM: {"admin": "admin"}}),
            json!({"groups": ["admin"]}),
        ] {
            assert!(policy.check(&claims, CLAIM).is_err(), "{claims}");
        }
        assert!(policy.check(&json!({CLAIM: "admin"}), CLAIM).is_ok());
        assert!(policy.check(&json!({"roles": ["admin"]}), "roles").is_ok());
    }

    #[test]
    fn scopes_are_whole_words_of_the_scope_claim() {
        let claims = json!({"scope": "users:read  users:write"});
        let read = Policy::new().scopes(&["users:read"]);
        assert!(read.check(&claims, CLAIM).is_ok());
        let users = Policy::new().scopes(&["users"]);
        assert_eq!(
            users.check(&claims, CLAIM),
            Err(AuthError::InsufficientScope)
        );
        let array = json!({"scope": ["users:read"]});
        assert!(read.check(&array, CLAIM).is_ok());
        assert!(Policy::new()
            .any_scopes(&["x", "users:write"])
            .check(&claims, CLAIM)
            .is_ok());
    }

    #[test]
    fn an_empty_policy_admits_any_claims() {
        assert!(Policy::new().check(&json!(null), CLAIM).is_ok());
    }
}
