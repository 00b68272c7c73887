//! Surveys: questions with single or multiple choice, or free text, and the responses to them.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::text::{MAX_LINE_CHARS, required_line};

/// The longest free-text answer.
const MAX_ANSWER_CHARS: usize = 5_000;
/// The most options a choice question may have.
const MAX_OPTIONS: usize = 30;
/// The most questions in a survey.
const MAX_QUESTIONS: usize = 50;

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options (radios).
    Single,
    /// Any of the options (checkboxes).
    Multiple,
    /// Free text.
    FreeText,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// What is asked.
    pub prompt: String,
    /// How it is answered.
    pub kind: QuestionKind,
    /// The options (choice questions only).
    #[serde(default)]
    pub options: Vec<String>,
    /// Whether an answer is needed.
    #[serde(default)]
    pub required: bool,
}

/// A survey within a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// Its title.
    pub title: String,
    /// Its questions, in order; the form field of question `i` is `q{i}`.
    pub questions: Vec<Question>,
    /// Whether the survey also asks the standard NHS equality monitoring questions of those
    /// who have not answered them yet. The answers are kept with the participant's monitoring
    /// (apart from the survey's responses), so they are asked once per project.
    #[serde(default)]
    pub monitoring: bool,
}

/// One question's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The indexes of the options chosen (one for a single choice), in order.
    Choices(Vec<usize>),
    /// Free text.
    Text(String),
    /// No answer (an optional question left blank).
    Skipped,
}

/// A checked response: one [`Answer`] per question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponse {
    /// The answers, in the order of the questions.
    pub answers: Vec<Answer>,
}

/// The form field of question `i`.
pub fn question_field(i: usize) -> String {
    format!("q{i}")
}

impl Survey {
    /// Checks the survey as its organiser wrote it: a title, 1 to 50 questions each with a
    /// prompt, and 2 to 30 distinct options for a choice question (fields `title`, `q{i}`).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        required_line(
            &mut e,
            "title",
            &self.title,
            "a title for the survey",
            MAX_LINE_CHARS,
        );
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            e.push(
                "q0",
                format!("A survey must have between 1 and {MAX_QUESTIONS} questions"),
            );
        }
        for (i, q) in self.questions.iter().enumerate() {
            let f = question_field(i);
            required_line(&mut e, &f, &q.prompt, "the question", MAX_LINE_CHARS);
            match q.kind {
                QuestionKind::FreeText if !q.options.is_empty() => {
                    e.push(&f, "A free-text question has no options");
                }
                QuestionKind::FreeText => {}
                QuestionKind::Single | QuestionKind::Multiple => {
                    if q.options.len() < 2 || q.options.len() > MAX_OPTIONS {
                        e.push(&f, format!("Give between 2 and {MAX_OPTIONS} options"));
                    }
                    for (k, o) in q.options.iter().enumerate() {
                        required_line(&mut e, &f, o, "every option", MAX_LINE_CHARS);
                        if q.options[..k].contains(o) {
                            e.push(&f, format!("Option \"{o}\" is given twice"));
                        }
                    }
                }
            }
        }
        e.into_result()
    }

    /// Reads a response from the form's values: `values[i]` holds what was sent for `q{i}`
    /// (the option numbers chosen, or the text). Every problem is a field error on `q{i}`.
    pub fn read_response(&self, values: &[Vec<String>]) -> Result<SurveyResponse, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut answers = Vec::with_capacity(self.questions.len());
        for (i, q) in self.questions.iter().enumerate() {
            let f = question_field(i);
            let given: Vec<&str> = values
                .get(i)
                .map(|v| {
                    v.iter()
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let answer = match q.kind {
                QuestionKind::FreeText => {
                    let text = given.join("\n");
                    if text.chars().count() > MAX_ANSWER_CHARS {
                        e.push(
                            &f,
                            format!("Your answer must be {MAX_ANSWER_CHARS} characters or fewer"),
                        );
                    }
                    if text.is_empty() {
                        Answer::Skipped
                    } else {
                        Answer::Text(text)
                    }
                }
                QuestionKind::Single | QuestionKind::Multiple => {
                    let mut chosen = Vec::new();
                    for g in &given {
                        match g.parse::<usize>() {
                            Ok(k) if k < q.options.len() => {
                                if !chosen.contains(&k) {
                                    chosen.push(k);
                                }
                            }
                            _ => e.push(&f, "Select from the options given"),
                        }
                    }
                    chosen.sort_unstable();
                    if q.kind == QuestionKind::Single && chosen.len() > 1 {
                        e.push(&f, "Select one option");
                    }
                    if chosen.is_empty() {
                        Answer::Skipped
                    } else {
                        Answer::Choices(chosen)
                    }
                }
            };
            if q.required && answer == Answer::Skipped {
                e.push(
                    &f,
                    match q.kind {
                        QuestionKind::FreeText => "Enter an answer",
                        _ => "Select an answer",
                    },
                );
            }
            answers.push(answer);
        }
        e.into_result().map(|()| SurveyResponse { answers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        Survey {
            title: "Your experience".into(),
            questions: vec![
                Question {
                    prompt: "How easy was it to get an appointment?".into(),
                    kind: QuestionKind::Single,
                    options: vec!["Easy".into(), "Hard".into()],
                    required: true,
                },
                Question {
                    prompt: "Which services did you use?".into(),
                    kind: QuestionKind::Multiple,
                    options: vec!["GP".into(), "Pharmacy".into(), "A&E".into()],
                    required: false,
                },
                Question {
                    prompt: "Anything else?".into(),
                    kind: QuestionKind::FreeText,
                    options: vec![],
                    required: false,
                },
            ],
            monitoring: false,
        }
    }

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_valid_response_is_read() {
        let r = survey()
            .read_response(&[v(&["1"]), v(&["2", "0", "2"]), v(&[" Thanks "])])
            .unwrap();
        assert_eq!(
            r.answers,
            vec![
                Answer::Choices(vec![1]),
                Answer::Choices(vec![0, 2]),
                Answer::Text("Thanks".into())
            ]
        );
        let r = survey().read_response(&[v(&["0"])]).unwrap();
        assert_eq!(r.answers[1], Answer::Skipped);
    }

    #[test]
    fn problems_name_the_question() {
        let e = survey()
            .read_response(&[v(&[]), v(&["7"]), v(&[&"x".repeat(5001)])])
            .unwrap_err();
        assert_eq!(e.get("q0"), Some("Select an answer"));
        assert_eq!(e.get("q1"), Some("Select from the options given"));
        assert_eq!(
            e.get("q2"),
            Some("Your answer must be 5000 characters or fewer")
        );
        let e = survey().read_response(&[v(&["0", "1"])]).unwrap_err();
        assert_eq!(e.get("q0"), Some("Select one option"));
    }

    #[test]
    fn survey_definitions_are_checked() {
        assert!(survey().validate().is_ok());
        let mut s = survey();
        s.questions[0].options = vec!["Only".into()];
        s.questions[1].options.push("GP".into());
        s.questions[2].options.push("x".into());
        let e = s.validate().unwrap_err();
        assert_eq!(e.get("q0"), Some("Give between 2 and 30 options"));
        assert_eq!(e.get("q1"), Some("Option \"GP\" is given twice"));
        assert_eq!(e.get("q2"), Some("A free-text question has no options"));
        let empty = Survey {
            title: String::new(),
            questions: vec![],
            monitoring: false,
        };
        assert_eq!(empty.validate().unwrap_err().len(), 2);
    }
}
