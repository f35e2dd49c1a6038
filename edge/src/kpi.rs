//! KPIs for the team: GET /v1/inbox/kpis?site=&from=&to=&bucket=day|week (JSON) and
//! GET /v1/inbox/kpis.csv (the same rows as CSV).
//!
//! [`compute`] is pure (facts in, report out) and unit-tested against a conversation set whose
//! values were worked out by hand; the handlers only gather the facts from D1. Every period is
//! keyed by the day (UTC) the conversation started, so one conversation counts in one period.
use std::collections::HashMap;

use serde::Deserialize;
use tandem_shared::wire::{KpiReport, KpiRow};
use worker::{Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::json;
use crate::store::{self, n, s};
use crate::Ctx;

pub const DAY_MS: i64 = 86_400_000;
/// Longest range one request may cover (a year and a bit).
const MAX_RANGE_MS: i64 = 400 * DAY_MS;
/// Default range when `from` is absent: the last 28 days.
const DEFAULT_RANGE_MS: i64 = 28 * DAY_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    Week,
}

impl Bucket {
    pub fn parse(v: Option<&str>) -> EdgeResult<Bucket> {
        match v.unwrap_or("day") {
            "day" => Ok(Bucket::Day),
            "week" => Ok(Bucket::Week),
            _ => Err(EdgeError::BadRequest("`bucket` must be `day` or `week`".into())),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
        }
    }
    /// The first day (days since the epoch) of the period holding `ms`.
    pub fn start_day(self, ms: i64) -> i64 {
        let day = ms.div_euclid(DAY_MS);
        match self {
            Bucket::Day => day,
            // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
            Bucket::Week => day - (day + 3).rem_euclid(7),
        }
    }
}

/// What the store knows about one conversation, as the KPIs need it. Times in ms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvFacts {
    pub created_at: i64,
    /// (at, valence) of each customer message.
    pub customer: Vec<(i64, f64)>,
    /// Times of the agent's messages.
    pub agent_replies: Vec<i64>,
    /// Times of the handoffs: escalations and transfers to a specialist.
    pub handoffs: Vec<i64>,
    /// Times the conversation was resolved by a person.
    pub resolutions: Vec<i64>,
    /// The customer's last rating: CSAT 1..=5, NPS 0..=10.
    pub csat: Option<u8>,
    pub nps: Option<u8>,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut v = v.to_vec();
    v.sort_unstable_by(f64::total_cmp); // values equal under total_cmp are identical: stability is moot
    let m = v.len() / 2;
    Some(if v.len() % 2 == 0 { (v[m - 1] + v[m]) / 2.0 } else { v[m] })
}

/// Bins of the sentiment distributions: [-1,-0.6), [-0.6,-0.2), [-0.2,0.2], (0.2,0.6], (0.6,1].
fn sentiment_bin(v: f64) -> usize {
    if v < -0.6 {
        0
    } else if v < -0.2 {
        1
    } else if v <= 0.2 {
        2
    } else if v <= 0.6 {
        3
    } else {
        4
    }
}

fn ratio(a: u32, b: u32) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The KPIs of one set of conversations.
pub fn row(start: String, convs: &[&ConvFacts]) -> KpiRow {
    let mut r = KpiRow { start, ..KpiRow::default() };
    let (mut before, mut after, mut first_reply, mut resolution, mut csat) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut promoters, mut detractors) = (0u32, 0u32);
    for c in convs.iter().filter(|c| !c.customer.is_empty()) {
        r.conversations += 1;
        if let Some(v) = c.csat.filter(|v| (1..=5).contains(v)) {
            csat.push(v as f64);
            r.csat_distribution[v as usize - 1] += 1;
        }
        if let Some(v) = c.nps.filter(|v| *v <= 10) {
            r.nps_answers += 1;
            promoters += (v >= 9) as u32;
            detractors += (v <= 6) as u32;
        }
        r.handoffs += c.handoffs.len() as u32;
        let Some(&escalated_at) = c.handoffs.iter().min() else {
            r.self_service += 1;
            r.first_contact_resolved += 1;
            continue;
        };
        r.escalated += 1;
        let split = |keep: &dyn Fn(i64) -> bool| -> Vec<f64> {
            c.customer.iter().filter(|(at, _)| keep(*at)).map(|(_, v)| *v).collect()
        };
        if let Some(m) = mean(&split(&|at| at <= escalated_at)) {
            before.push(m);
            r.sentiment_before_distribution[sentiment_bin(m)] += 1;
        }
        if let Some(m) = mean(&split(&|at| at > escalated_at)) {
            after.push(m);
            r.sentiment_after_distribution[sentiment_bin(m)] += 1;
        }
        if let Some(t) = c.agent_replies.iter().filter(|&&t| t >= escalated_at).min() {
            first_reply.push((t - escalated_at) as f64);
        }
        if let Some(&t) = c.resolutions.iter().filter(|&&t| t >= escalated_at).min() {
            r.resolved += 1;
            resolution.push((t - escalated_at) as f64);
            // One handoff, resolved, never escalated again afterwards.
            if c.handoffs.len() == 1 {
                r.first_contact_resolved += 1;
            }
        }
    }
    r.self_service_share = ratio(r.self_service, r.conversations);
    r.first_contact_resolution = ratio(r.first_contact_resolved, r.conversations);
    r.csat_mean = mean(&csat);
    r.nps = (r.nps_answers > 0)
        .then(|| (promoters as f64 - detractors as f64) * 100.0 / r.nps_answers as f64);
    r.sentiment_before = mean(&before);
    r.sentiment_after = mean(&after);
    r.first_reply_mean_ms = mean(&first_reply);
    r.first_reply_median_ms = median(&first_reply);
    r.resolution_mean_ms = mean(&resolution);
    r.resolution_median_ms = median(&resolution);
    r
}

/// The report over [from, to): one row per period that has conversations, plus the total.
pub fn compute(site: &str, from: i64, to: i64, bucket: Bucket, convs: &[ConvFacts]) -> KpiReport {
    let in_range: Vec<&ConvFacts> = convs.iter().filter(|c| c.created_at >= from && c.created_at < to).collect();
    let mut by_period: std::collections::BTreeMap<i64, Vec<&ConvFacts>> = Default::default();
    for c in &in_range {
        by_period.entry(bucket.start_day(c.created_at)).or_default().push(c);
    }
    KpiReport {
        site: site.to_string(),
        from,
        to,
        bucket: bucket.as_str().into(),
        total: row(civil_date(from.div_euclid(DAY_MS)), &in_range),
        buckets: by_period.into_iter().map(|(day, cs)| row(civil_date(day), &cs)).collect(),
    }
}

/// Days since 1970-01-01 → "YYYY-MM-DD" (Howard Hinnant's civil_from_days).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!("{y:04}-{m:02}-{d:02}")
}

const CSV_HEADER: &str = "period_start,conversations,self_service,self_service_share,first_contact_resolved,first_contact_resolution,escalated,resolved,handoffs,csat_mean,csat_1,csat_2,csat_3,csat_4,csat_5,nps,nps_answers,sentiment_before,sentiment_after,first_reply_mean_ms,first_reply_median_ms,resolution_mean_ms,resolution_median_ms";

/// The report as CSV: a header, one line per period, then a `total` line.
pub fn csv(report: &KpiReport) -> String {
    let o = |v: Option<f64>| v.map(|v| format!("{}", (v * 10_000.0).round() / 10_000.0)).unwrap_or_default();
    let line = |label: &str, r: &KpiRow| {
        let d = &r.csat_distribution;
        format!(
            "{label},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.conversations, r.self_service, o(r.self_service_share), r.first_contact_resolved,
            o(r.first_contact_resolution), r.escalated, r.resolved, r.handoffs, o(r.csat_mean),
            d[0], d[1], d[2], d[3], d[4], o(r.nps), r.nps_answers, o(r.sentiment_before), o(r.sentiment_after),
            o(r.first_reply_mean_ms), o(r.first_reply_median_ms), o(r.resolution_mean_ms), o(r.resolution_median_ms),
        )
    };
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in &report.buckets {
        out.push_str(&line(&r.start, r));
    }
    out.push_str(&line("total", &report.total));
    out
}

// ----------------------------------------------------------------------------- the routes

fn parse_ms(v: Option<&str>, field: &str) -> EdgeResult<Option<i64>> {
    match v {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| EdgeError::BadRequest(format!("`{field}` must be milliseconds since the Unix epoch"))),
    }
}

#[derive(Deserialize)]
struct IdAt {
    conversation_id: String,
    at: i64,
}
#[derive(Deserialize)]
struct MsgRow {
    conversation_id: String,
    author: String,
    at: i64,
    valence: Option<f64>,
}
#[derive(Deserialize)]
struct ConvRowLite {
    id: String,
    created_at: i64,
}
#[derive(Deserialize)]
struct FeedbackRow {
    conversation_id: String,
    /// NULL when the customer answered only the NPS question.
    csat: Option<i64>,
    nps: Option<i64>,
}

const CONVS: &str = "SELECT c.id, c.created_at FROM conversations c WHERE c.site = ?1 AND c.created_at >= ?2 AND c.created_at < ?3";
const IN_RANGE: &str = "JOIN conversations c ON c.id = x.conversation_id WHERE c.site = ?1 AND c.created_at >= ?2 AND c.created_at < ?3";

async fn report(req: &Request, rc: &Ctx) -> EdgeResult<KpiReport> {
    let who = crate::inbox_page::agent(req, rc).await?;
    let [site, from, to, bucket] = crate::inbox::query_params(req, ["site", "from", "to", "bucket"])?;
    let site = site.filter(|s| !s.is_empty()).ok_or_else(|| EdgeError::BadRequest("`site` is required".into()))?;
    crate::inbox_page::check_site(rc, &who, &site)?;
    let bucket = Bucket::parse(bucket.as_deref())?;
    let to = parse_ms(to.as_deref(), "to")?.unwrap_or(rc.data.now + 1);
    let from = parse_ms(from.as_deref(), "from")?.unwrap_or(to - DEFAULT_RANGE_MS);
    if from >= to || to - from > MAX_RANGE_MS {
        return Err(EdgeError::BadRequest("`from` must be before `to`, at most 400 days apart".into()));
    }
    let db = store::db(&rc.env)?;
    crate::inbox_page::ensure_schema(&db).await?;
    let args = [s(&site), n(from), n(to)];
    let convs: Vec<ConvRowLite> = store::all(&db, CONVS, &args).await?;
    let mut facts: HashMap<String, ConvFacts> =
        convs.into_iter().map(|c| (c.id, ConvFacts { created_at: c.created_at, ..Default::default() })).collect();
    let msgs: Vec<MsgRow> = store::all(
        &db,
        &format!("SELECT x.conversation_id, x.author, x.at, x.valence FROM messages x {IN_RANGE} AND x.author IN ('customer', 'agent')"),
        &args,
    )
    .await?;
    for m in msgs {
        if let Some(f) = facts.get_mut(&m.conversation_id) {
            match m.author.as_str() {
                "customer" => f.customer.push((m.at, m.valence.unwrap_or(0.0))),
                _ => f.agent_replies.push(m.at),
            }
        }
    }
    let handoffs: Vec<IdAt> =
        store::all(&db, &format!("SELECT x.conversation_id, x.received_at AS at FROM inbox_items x {IN_RANGE}"), &args).await?;
    for h in handoffs {
        if let Some(f) = facts.get_mut(&h.conversation_id) {
            f.handoffs.push(h.at);
        }
    }
    let resolved: Vec<IdAt> = store::all(
        &db,
        &format!("SELECT x.conversation_id, x.at FROM conversation_events x {IN_RANGE} AND x.kind = 'resolved'"),
        &args,
    )
    .await?;
    for e in resolved {
        if let Some(f) = facts.get_mut(&e.conversation_id) {
            f.resolutions.push(e.at);
        }
    }
    // The last answer per conversation counts, for CSAT and NPS separately.
    let ratings: Vec<FeedbackRow> = store::all(
        &db,
        &format!("SELECT x.conversation_id, x.csat, x.nps FROM feedback x {IN_RANGE} ORDER BY x.id"),
        &args,
    )
    .await?;
    for r in ratings {
        if let Some(f) = facts.get_mut(&r.conversation_id) {
            if let Some(v) = r.csat.and_then(|v| u8::try_from(v).ok()) {
                f.csat = Some(v);
            }
            if let Some(v) = r.nps.and_then(|v| u8::try_from(v).ok()) {
                f.nps = Some(v);
            }
        }
    }
    let facts: Vec<ConvFacts> = facts.into_values().collect();
    Ok(compute(&site, from, to, bucket, &facts))
}

/// GET /v1/inbox/kpis?site=&from=&to=&bucket=day|week
pub async fn kpis(req: Request, rc: Ctx) -> EdgeResult<Response> {
    json(&report(&req, &rc).await?, 200)
}

/// GET /v1/inbox/kpis.csv?site=&from=&to=&bucket=day|week
pub async fn kpis_csv(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let r = report(&req, &rc).await?;
    let mut resp = Response::ok(csv(&r))?;
    let h = resp.headers_mut();
    let _ = h.set("content-type", "text/csv; charset=utf-8");
    let _ = h.set("content-disposition", &format!("attachment; filename=\"tandem-kpis-{}-{}.csv\"", r.site, r.bucket));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;
    const MIN: i64 = 60_000;
    /// Monday 2025-06-02 00:00 UTC.
    const MON: i64 = 1_748_822_400_000;

    fn conv(created: i64) -> ConvFacts {
        ConvFacts { created_at: created, ..Default::default() }
    }

    /// The hand-computed set (also used by tests/edge/kpi.test.mjs through the real store):
    /// A Mon 10:00 self-service, CSAT 5, NPS 10.
    /// B Mon 11:00 escalated 11:02 (valences -0.75, -0.25 before; 0.2 after at 11:10), first agent
    ///   reply 11:05, resolved 11:20, CSAT 4, NPS 8.
    /// C Mon 12:00 escalated 12:01 (valence -0.7), transferred 12:03, reply 12:11, resolved 13:01,
    ///   CSAT 2, NPS 3.
    /// D Tue 09:00 escalated 09:00 (valence 0.0, 0.5 after at 09:30), reply 09:20, not resolved.
    /// E Tue 10:00 no customer message (not a contact).
    /// F Wed 08:00 self-service, NPS only (via csat 3, nps 9).
    fn set() -> Vec<ConvFacts> {
        let b = MON + 11 * H;
        let c = MON + 12 * H;
        let d = MON + 24 * H + 9 * H;
        vec![
            ConvFacts { customer: vec![(MON + 10 * H, 0.3)], csat: Some(5), nps: Some(10), ..conv(MON + 10 * H) },
            ConvFacts {
                customer: vec![(b + MIN, -0.75), (b + 2 * MIN, -0.25), (b + 10 * MIN, 0.2)],
                handoffs: vec![b + 2 * MIN],
                agent_replies: vec![b + 5 * MIN, b + 12 * MIN],
                resolutions: vec![b + 20 * MIN],
                csat: Some(4),
                nps: Some(8),
                ..conv(b)
            },
            ConvFacts {
                customer: vec![(c + MIN, -0.7)],
                handoffs: vec![c + MIN, c + 3 * MIN],
                agent_replies: vec![c + 11 * MIN],
                resolutions: vec![c + 61 * MIN],
                csat: Some(2),
                nps: Some(3),
                ..conv(c)
            },
            ConvFacts {
                customer: vec![(d, 0.0), (d + 30 * MIN, 0.5)],
                handoffs: vec![d],
                agent_replies: vec![d + 20 * MIN],
                ..conv(d)
            },
            conv(MON + 34 * H),
            ConvFacts { customer: vec![(MON + 56 * H, 0.1)], csat: Some(3), nps: Some(9), ..conv(MON + 56 * H) },
        ]
    }

    fn approx(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn total_matches_the_hand_computed_values() {
        let r = compute("demo", MON, MON + 7 * 24 * H, Bucket::Day, &set());
        let t = &r.total;
        assert_eq!(t.conversations, 5, "E never wrote");
        assert_eq!((t.self_service, t.escalated, t.resolved, t.handoffs), (2, 3, 2, 4));
        approx(t.self_service_share, 2.0 / 5.0);
        // A, F (self-service) and B (one handoff, resolved); C was transferred, D is open.
        assert_eq!(t.first_contact_resolved, 3);
        approx(t.first_contact_resolution, 3.0 / 5.0);
        approx(t.csat_mean, (5.0 + 4.0 + 2.0 + 3.0) / 4.0);
        assert_eq!(t.csat_distribution, [0, 1, 1, 1, 1]);
        // Promoters A(10), F(9); passive B(8); detractor C(3): (2 - 1) / 4.
        assert_eq!(t.nps_answers, 4);
        approx(t.nps, 25.0);
        // Before: B mean(-0.75, -0.25) = -0.5, C -0.7, D 0.0 → -0.4. After: B 0.2, D 0.5 → 0.35.
        approx(t.sentiment_before, -0.4);
        approx(t.sentiment_after, 0.35);
        assert_eq!(t.sentiment_before_distribution, [1, 1, 1, 0, 0]);
        assert_eq!(t.sentiment_after_distribution, [0, 0, 1, 1, 0]);
        // First reply: B 3 min, C 10 min, D 20 min.
        approx(t.first_reply_mean_ms, 11.0 * MIN as f64);
        approx(t.first_reply_median_ms, 10.0 * MIN as f64);
        // Resolution: B 18 min, C 60 min.
        approx(t.resolution_mean_ms, 39.0 * MIN as f64);
        approx(t.resolution_median_ms, 39.0 * MIN as f64);
    }

    #[test]
    fn days_split_the_set() {
        let r = compute("demo", MON, MON + 7 * 24 * H, Bucket::Day, &set());
        let starts: Vec<&str> = r.buckets.iter().map(|b| b.start.as_str()).collect();
        assert_eq!(starts, ["2025-06-02", "2025-06-03", "2025-06-04"]);
        let counts: Vec<u32> = r.buckets.iter().map(|b| b.conversations).collect();
        assert_eq!(counts, [3, 1, 1]);
        let mon = &r.buckets[0];
        approx(mon.first_contact_resolution, 2.0 / 3.0);
        approx(mon.csat_mean, 11.0 / 3.0);
        let tue = &r.buckets[1];
        assert_eq!((tue.escalated, tue.resolved), (1, 0));
        assert_eq!(tue.first_contact_resolution, Some(0.0));
        assert_eq!(tue.resolution_mean_ms, None);
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(civil_date(Bucket::Week.start_day(MON + 6 * 24 * H + 23 * H)), "2025-06-02");
        assert_eq!(civil_date(Bucket::Week.start_day(MON - 1)), "2025-05-26");
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(Bucket::Week.start_day(0)), "1969-12-29");
        let r = compute("demo", MON, MON + 7 * 24 * H, Bucket::Week, &set());
        assert_eq!(r.buckets.len(), 1);
        assert_eq!(r.buckets[0], KpiRow { start: "2025-06-02".into(), ..r.total.clone() });
    }

    #[test]
    fn the_range_is_half_open() {
        let r = compute("demo", MON + 11 * H, MON + 12 * H, Bucket::Day, &set());
        assert_eq!(r.total.conversations, 1, "B only: C starts exactly at `to`");
    }

    #[test]
    fn empty_periods_have_no_rates() {
        let r = compute("demo", MON, MON + H, Bucket::Day, &[]);
        assert_eq!(r.total.conversations, 0);
        assert_eq!(r.total.first_contact_resolution, None);
        assert_eq!(r.total.csat_mean, None);
        assert!(r.buckets.is_empty());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn sentiment_bins_have_closed_middles() {
        let bins: Vec<usize> = [-1.0, -0.6, -0.2, 0.2, 0.21, 0.6, 0.61, 1.0].iter().map(|&v| sentiment_bin(v)).collect();
        assert_eq!(bins, [0, 1, 2, 2, 3, 3, 4, 4]);
    }

    #[test]
    fn csv_has_a_line_per_period_and_a_total() {
        let r = compute("demo", MON, MON + 7 * 24 * H, Bucket::Day, &set());
        let text = csv(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 1);
        assert_eq!(lines[0].split(',').count(), lines[4].split(',').count());
        assert!(lines[4].starts_with("total,5,2,0.4,3,0.6,3,2,4,3.5,0,1,1,1,1,25,4,-0.4,0.35,660000,600000,2340000,2340000"), "{}", lines[4]);
    }
}
