//! `GET /review.csv` and `/review.jsonl`: a review queue tab (its window and "hide
//! followed up" as the page had them) as a file, every row, streamed a chunk at a time
//! (`profiles::export`). On *Changed recently* a profile comes once per change.

use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::error::AppError;
use crate::index::search::Exported;
use crate::profiles::export::{
    download, filters, unreadable, Chunk, Format, CHUNK, MAX_KEY_COLUMNS,
};
use crate::profiles::model::Profile;
use crate::review::tabs::{After, ReviewParams};
use crate::state::AppState;
use crate::web::query_param;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/review.csv",
            axum::routing::get(|state, request| tab(state, request, Format::Csv)),
        )
        .route(
            "/review.jsonl",
            axum::routing::get(|state, request| tab(state, request, Format::JsonLines)),
        )
}

async fn tab(State(state): State<AppState>, request: Request, format: Format) -> Response {
    let (parts, _) = request.into_parts();
    let user = match Authorized::require_in(&parts, Permission::ProfilesExport).await {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let params = ReviewParams::from_query(|name| query_param(&parts.uri, name));
    let query = match params.parse(state.upstream.version().is_ga()) {
        Ok(query) => query,
        Err(errors) => return AppError::invalid(errors).into_response(),
    };
    let keys = match state
        .index
        .queue_keys(
            query.tab,
            query.span(),
            query.hide,
            &query.filters,
            MAX_KEY_COLUMNS + 1,
        )
        .await
    {
        Ok(keys) => keys,
        Err(e) => return unreadable(e).into_response(),
    };
    let index = state.index.clone();
    let (tab, span, hide) = (query.tab, query.span(), query.hide);
    let narrowed = query.filters.clone();
    let fetch = move |after: Option<String>| -> BoxFuture<'static, Result<Chunk, String>> {
        let (index, narrowed) = (index.clone(), narrowed.clone());
        Box::pin(async move {
            let after = after.and_then(|a| After::parse(&a, tab));
            let limit = u32::try_from(CHUNK).expect("small");
            let (rows, more) = index
                .queue_page(tab, span, after.as_ref(), hide, &narrowed, limit)
                .await
                .map_err(|e| e.to_string())?;
            let next = more
                .then(|| rows.last().map(|r| r.after.encode()))
                .flatten();
            let exported = rows
                .into_iter()
                .filter_map(|row| {
                    let mut profile: Profile = serde_json::from_str(&row.raw).ok()?;
                    let learned = crate::timestamp::parse(&row.programs_at);
                    if learned.is_some() {
                        profile.programs = row
                            .programs
                            .as_deref()
                            .and_then(|p| serde_json::from_str(p).ok());
                    }
                    Some(Exported {
                        profile,
                        raw: row.raw,
                        programs_learned: learned,
                    })
                })
                .collect();
            Ok((exported, next))
        })
    };
    let view = format!("review queue {}", filters(&parts));
    download(
        &state,
        &user,
        format,
        keys,
        &format!("review-{}", tab.as_str()),
        view,
        fetch,
    )
}
