//! Language detection: nl, en, unknown, mixed.
mod common;
use common::E::*;
use tandem_shared::Lang;

cases! {
    lang_nl: "waar is mijn pakket" => [Lang(Lang::Nl), NotMixed],
    lang_nl_no_caps_typos: "ik heb mn bestelling nog steeds niet ontvange" => [Lang(Lang::Nl)],
    lang_en: "where is my package" => [Lang(Lang::En), NotMixed],
    lang_en_short_sentiment: "terrible!!!" => [Lang(Lang::En)],
    lang_nl_short_sentiment: "waardeloos" => [Lang(Lang::Nl)],
    lang_mixed: "mijn order is niet delivered en de customer service is terrible, wat moet ik doen" => [Mixed],
    lang_unknown_chinese: "我的包裹在哪里" => [Lang(Lang::Unknown), Neutral],
    lang_unknown_russian: "где моя посылка" => [Lang(Lang::Unknown), Neutral],
    lang_unknown_german: "Wo ist mein Paket" => [Lang(Lang::Unknown)],
    lang_unknown_empty: "" => [Lang(Lang::Unknown), Neutral],
}
