//! A survey as its organiser writes it on a form with no JavaScript, and a survey's results as
//! published.
//!
//! **The form.** The page shows a number of question slots (at least [`MIN_SLOTS`]; "Add
//! another question" posts the form back with one more): each slot has a prompt
//! (`q{i}-prompt`), how it is answered (`q{i}-kind`: `single`, `multiple`, `text`), the options
//! one a line (`q{i}-options`) and whether an answer is needed (`q{i}-required`). Slots left
//! blank are ignored; every problem is a field error on the slot's own field, so the page can
//! show it beside what was typed.
//!
//! **The results.** Each choice question's options are counted among those who answered it,
//! and every count passes `equalis-disclosure` (NHS Digital 2018: 1–7 withheld, others rounded
//! to 5, percentages from the rounded counts). A single-choice question's options partition its
//! answers, so when a withheld option could be worked out from the total and the others the
//! whole question is withheld, as who is heard does.

use equalis_disclosure::{Cell, Level, Nhsd2018, Publishable};

use crate::FieldErrors;
use crate::heard::{bounds, pinned};
use crate::survey::{Answer, Question, QuestionKind, Survey, SurveyResponse};

/// The question slots a new survey's form starts with.
pub const MIN_SLOTS: usize = 3;

/// The form field of slot `i`'s `part` (`prompt`, `kind`, `options`, `required`).
pub fn slot_field(i: usize, part: &str) -> String {
    format!("q{i}-{part}")
}

/// One question slot as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionDraft {
    /// The question.
    pub prompt: String,
    /// `single`, `multiple` or `text` (empty when none was chosen).
    pub kind: String,
    /// The options, one a line.
    pub options: String,
    /// Whether an answer is needed.
    pub required: bool,
}

impl QuestionDraft {
    fn is_blank(&self) -> bool {
        self.prompt.trim().is_empty() && self.options.trim().is_empty()
    }
}

/// A survey's form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyDraft {
    /// The title.
    pub title: String,
    /// The slots, in order.
    pub questions: Vec<QuestionDraft>,
    /// Whether to ask the NHS equality monitoring questions with it.
    pub monitoring: bool,
}

impl SurveyDraft {
    /// Reads the draft into a [`Survey`]: blank slots are dropped, the rest checked; errors
    /// name the slot's field (`title`, `q{i}-prompt`, `q{i}-kind`, `q{i}-options`).
    pub fn read(&self) -> Result<Survey, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut questions = Vec::new();
        // The slot of each question kept, to put the survey's own checks back on its fields.
        let mut slots = Vec::new();
        for (i, d) in self.questions.iter().enumerate() {
            if d.is_blank() {
                continue;
            }
            let n = i + 1;
            let options: Vec<String> = d
                .options
                .lines()
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect();
            if d.prompt.trim().is_empty() {
                e.push(
                    slot_field(i, "prompt"),
                    format!("Enter question {n}, or clear its options"),
                );
            }
            let kind = match d.kind.as_str() {
                "single" => Some(QuestionKind::Single),
                "multiple" => Some(QuestionKind::Multiple),
                "text" => Some(QuestionKind::FreeText),
                _ => {
                    e.push(
                        slot_field(i, "kind"),
                        format!("Select how question {n} is answered"),
                    );
                    None
                }
            };
            match kind {
                Some(QuestionKind::FreeText) if !options.is_empty() => e.push(
                    slot_field(i, "options"),
                    format!(
                        "Question {n} is answered in free text, so it has no options: clear them, or choose single or multiple choice"
                    ),
                ),
                Some(QuestionKind::Single | QuestionKind::Multiple) if options.len() < 2 => e
                    .push(
                        slot_field(i, "options"),
                        format!("Give question {n} at least 2 options, one a line"),
                    ),
                _ => {}
            }
            questions.push(Question {
                prompt: d.prompt.trim().to_owned(),
                kind: kind.unwrap_or(QuestionKind::FreeText),
                options,
                required: d.required,
            });
            slots.push(i);
        }
        if questions.is_empty() {
            e.push(slot_field(0, "prompt"), "Write at least one question");
        }
        let survey = Survey {
            title: self.title.trim().to_owned(),
            questions,
            monitoring: self.monitoring,
        };
        if let Err(found) = survey.validate() {
            for x in found.0 {
                let field = match x
                    .field
                    .strip_prefix('q')
                    .and_then(|k| k.parse::<usize>().ok())
                {
                    // The survey's checks of a question: its prompt, or its options.
                    Some(k) => {
                        let slot = slots.get(k).copied().unwrap_or(0);
                        let part = if x.message.contains("ption") {
                            "options"
                        } else {
                            "prompt"
                        };
                        slot_field(slot, part)
                    }
                    None => x.field,
                };
                // A problem already said on the same field (no questions, too few options)
                // is not said twice.
                if e.get(&field).is_none() && !(survey.questions.is_empty() && field == "q0-prompt")
                {
                    e.push(field, x.message);
                }
            }
        }
        e.into_result().map(|()| survey)
    }
}

/// One option's answers, published.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionResult {
    /// The option.
    pub label: String,
    /// Those who chose it.
    pub count: Publishable<Cell>,
    /// Their percentage of those who answered the question (from the published counts).
    pub percent: Publishable<Cell>,
}

/// One question's answers, published.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    /// The question.
    pub prompt: String,
    /// How it was answered.
    pub kind: QuestionKind,
    /// Those who answered it.
    pub answered: Publishable<Cell>,
    /// A choice question's options, in order.
    pub options: Vec<OptionResult>,
    /// Every option withheld because one could be worked out from the others.
    pub withheld_whole: bool,
    /// A free-text question's answers, in the order given (for moderators: they are the
    /// public's own words, like a contribution, and are not counts).
    pub texts: Vec<String>,
}

/// A survey's results, published.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResults {
    /// Responses.
    pub responses: Publishable<Cell>,
    /// Each question.
    pub questions: Vec<QuestionResult>,
}

/// Publishes the results of `survey` from its `responses` under `policy` (sub-national).
pub fn survey_results(
    policy: &Nhsd2018,
    survey: &Survey,
    responses: &[SurveyResponse],
) -> SurveyResults {
    let level = Level::SubNational;
    let withheld = || policy.derived_count(1, &[1], level);
    let questions = survey
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let answers = responses.iter().filter_map(|r| r.answers.get(i));
            let mut answered = 0u64;
            let mut counts = vec![0u64; q.options.len()];
            let mut texts = Vec::new();
            for a in answers {
                match a {
                    Answer::Skipped => {}
                    Answer::Text(t) => {
                        answered += 1;
                        texts.push(t.clone());
                    }
                    Answer::Choices(cs) => {
                        answered += 1;
                        for &k in cs {
                            if let Some(c) = counts.get_mut(k) {
                                *c += 1;
                            }
                        }
                    }
                }
            }
            let answered_pub = policy.count(answered, level);
            let published: Vec<Publishable<Cell>> =
                counts.iter().map(|&c| policy.count(c, level)).collect();
            // Only a single choice partitions the answers; a multiple choice's options overlap.
            let withheld_whole = q.kind == QuestionKind::Single && {
                let b: Vec<(u64, u64)> =
                    published.iter().map(|c| bounds(policy, c.get())).collect();
                let w: Vec<bool> = published
                    .iter()
                    .map(|c| matches!(c.get(), Cell::Suppressed(_)))
                    .collect();
                pinned(bounds(policy, answered_pub.get()), &b, &w)
            };
            let options = q
                .options
                .iter()
                .zip(counts.iter().zip(published))
                .map(|(label, (&c, count))| {
                    if withheld_whole {
                        OptionResult {
                            label: label.clone(),
                            count: withheld(),
                            percent: withheld(),
                        }
                    } else {
                        OptionResult {
                            label: label.clone(),
                            count,
                            percent: policy.percentage(c, answered, level),
                        }
                    }
                })
                .collect();
            QuestionResult {
                prompt: q.prompt.clone(),
                kind: q.kind,
                answered: answered_pub,
                options,
                withheld_whole,
                texts,
            }
        })
        .collect();
    SurveyResults {
        responses: policy.count(responses.len() as u64, level),
        questions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slot(prompt: &str, kind: &str, options: &str) -> QuestionDraft {
        QuestionDraft {
            prompt: prompt.into(),
            kind: kind.into(),
            options: options.into(),
            required: false,
        }
    }

    #[test]
    fn a_draft_becomes_a_survey_without_its_blank_slots() {
        let d = SurveyDraft {
            title: " Access to care ".into(),
            questions: vec![
                slot("Easy to book?", "single", "Yes\r\n\r\n No \n"),
                slot("", "", ""),
                slot("Anything else?", "text", ""),
            ],
            monitoring: true,
        };
        let s = d.read().unwrap();
        assert_eq!(s.title, "Access to care");
        assert!(s.monitoring);
        assert_eq!(s.questions.len(), 2);
        assert_eq!(s.questions[0].options, vec!["Yes", "No"]);
        assert_eq!(s.questions[1].kind, QuestionKind::FreeText);
    }

    #[test]
    fn problems_are_on_the_slots_fields() {
        let d = SurveyDraft {
            title: String::new(),
            questions: vec![
                slot("", "", ""),
                slot("Which?", "multiple", "Only one"),
                slot("", "single", "A\nB"),
                slot("Say", "text", "x"),
                slot("Kind?", "", ""),
                slot("Twice?", "single", "A\nA"),
            ],
            monitoring: false,
        };
        let e = d.read().unwrap_err();
        assert_eq!(e.get("title"), Some("Enter a title for the survey"));
        assert_eq!(
            e.get("q1-options"),
            Some("Give question 2 at least 2 options, one a line")
        );
        assert_eq!(
            e.get("q2-prompt"),
            Some("Enter question 3, or clear its options")
        );
        assert!(e.get("q3-options").unwrap().contains("free text"));
        assert_eq!(e.get("q4-kind"), Some("Select how question 5 is answered"));
        assert_eq!(e.get("q5-options"), Some("Option \"A\" is given twice"));
        let none = SurveyDraft {
            title: "T".into(),
            questions: vec![slot("", "", ""); 3],
            monitoring: false,
        };
        let e = none.read().unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e.get("q0-prompt"), Some("Write at least one question"));
    }

    fn survey() -> Survey {
        Survey {
            title: "S".into(),
            questions: vec![
                Question {
                    prompt: "One".into(),
                    kind: QuestionKind::Single,
                    options: vec!["Yes".into(), "No".into(), "Not sure".into()],
                    required: false,
                },
                Question {
                    prompt: "Many".into(),
                    kind: QuestionKind::Multiple,
                    options: vec!["A".into(), "B".into(), "C".into()],
                    required: false,
                },
                Question {
                    prompt: "Say".into(),
                    kind: QuestionKind::FreeText,
                    options: vec![],
                    required: false,
                },
            ],
            monitoring: false,
        }
    }

    fn response(one: usize, many: &[usize], say: Option<&str>) -> SurveyResponse {
        SurveyResponse {
            answers: vec![
                Answer::Choices(vec![one]),
                if many.is_empty() {
                    Answer::Skipped
                } else {
                    Answer::Choices(many.to_vec())
                },
                say.map_or(Answer::Skipped, |t| Answer::Text(t.into())),
            ],
        }
    }

    #[test]
    fn results_are_counted_and_small_numbers_withheld() {
        // 23 say Yes, 12 No; "Many": 35 chose A, 3 chose B, 0 chose C; 2 wrote text.
        let mut rs = Vec::new();
        for k in 0..35 {
            let many: &[usize] = if k < 3 { &[0, 1] } else { &[0] };
            let say = (k < 2).then_some("hello");
            rs.push(response(usize::from(k >= 23), many, say));
        }
        let r = survey_results(&Nhsd2018::default(), &survey(), &rs);
        assert_eq!(r.responses.get(), &Cell::Count(35));
        let one = &r.questions[0];
        assert!(!one.withheld_whole);
        assert_eq!(one.options[0].count.get(), &Cell::Count(25));
        assert_eq!(one.options[1].count.get(), &Cell::Count(10));
        // From the published counts: 25 of 35.
        assert_eq!(
            one.options[0].percent.get(),
            &Cell::Percentage(100.0 * 25.0 / 35.0)
        );
        let many = &r.questions[1];
        assert_eq!(many.options[1].count.get(), &Cell::Suppressed("*".into()));
        assert_eq!(many.options[1].percent.get(), &Cell::Suppressed("*".into()));
        assert_eq!(many.options[2].count.get(), &Cell::Count(0));
        assert!(!many.withheld_whole, "options of a multiple choice overlap");
        assert_eq!(r.questions[2].answered.get(), &Cell::Suppressed("*".into()));
        assert_eq!(r.questions[2].texts, vec!["hello", "hello"]);
    }

    #[test]
    fn a_single_choice_with_one_small_option_is_withheld_whole() {
        // 8 Yes (→ 10, so 8 to 12), 8 No (→ 10), 1 Not sure (*), 17 answered (→ 15, so 13
        // to 17): Not sure is at most 17 − 8 − 8 = 1, so it could be worked out: withheld.
        let mut rs: Vec<SurveyResponse> = (0..17)
            .map(|k| {
                response(
                    if k < 8 {
                        0
                    } else if k < 16 {
                        1
                    } else {
                        2
                    },
                    &[],
                    None,
                )
            })
            .collect();
        let r = survey_results(&Nhsd2018::default(), &survey(), &rs);
        let one = &r.questions[0];
        assert!(one.withheld_whole);
        assert!(
            one.options
                .iter()
                .all(|o| matches!(o.count.get(), Cell::Suppressed(_))
                    && matches!(o.percent.get(), Cell::Suppressed(_)))
        );
        // Two more Yes (10 → 10, answered 19 → 20): Not sure is 1 to 4 now, not one value.
        rs.extend((0..2).map(|_| response(0, &[], None)));
        let r = survey_results(&Nhsd2018::default(), &survey(), &rs);
        assert!(!r.questions[0].withheld_whole);
        assert_eq!(r.questions[0].options[0].count.get(), &Cell::Count(10));
        assert!(matches!(
            r.questions[0].options[2].count.get(),
            Cell::Suppressed(_)
        ));
    }

    proptest! {
        /// No count from 1 to 7 is ever published, whatever the answers.
        #[test]
        fn no_small_count_is_published(choices in proptest::collection::vec((0usize..2, proptest::collection::vec(0usize..3, 0..3)), 0..60)) {
            let rs: Vec<SurveyResponse> = choices.iter().map(|(o, m)| response(*o, m, None)).collect();
            let r = survey_results(&Nhsd2018::default(), &survey(), &rs);
            let mut cells = vec![r.responses.get().clone()];
            for q in &r.questions {
                cells.push(q.answered.get().clone());
                cells.extend(q.options.iter().map(|o| o.count.get().clone()));
            }
            for c in cells {
                if let Cell::Count(n) = c {
                    prop_assert!(n == 0 || n > 7, "{n} published");
                }
            }
        }
    }
}
