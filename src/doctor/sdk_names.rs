//! `sdk-names`: keys under the names SDKs read implicitly. Any code in the process that
//! creates a client picks them up, including a dependency's; a project-specific name
//! (`OPENAI_PAT`) passed explicitly keeps the key where it is meant to go.

use super::{Check, Project, location_of};
use crate::layers::Layer;
use crate::report::Finding;

/// The check.
pub struct SdkNames;

/// Names that SDKs and CLIs read from the environment without being asked.
const SDK_NAMES: &[&str] = &[
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "GROQ_API_KEY",
    "MISTRAL_API_KEY",
    "CO_API_KEY",
    "COHERE_API_KEY",
    "XAI_API_KEY",
    "DEEPSEEK_API_KEY",
    "OPENROUTER_API_KEY",
    "PERPLEXITY_API_KEY",
    "TOGETHER_API_KEY",
    "FIREWORKS_API_KEY",
    "REPLICATE_API_TOKEN",
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HUGGINGFACEHUB_API_TOKEN",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "PINECONE_API_KEY",
    "TAVILY_API_KEY",
    "VOYAGE_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
];

impl Check for SdkNames {
    fn name(&self) -> &'static str {
        "sdk-names"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let Ok(res) = project.resolution() else { return Vec::new() };
        let mut out = Vec::new();
        for var in res.vars.values().filter(|v| SDK_NAMES.contains(&v.key.as_str())) {
            let defs = std::iter::once(&var.winner)
                .chain(&var.shadowed)
                .filter(|d| matches!(d.origin.layer, Layer::Project | Layer::Profile | Layer::File));
            for def in defs {
                out.push(Finding::note("doctor/sdk-name", format!(
                        "{} is a name SDKs read implicitly: any client created in the process picks the key up",
                        var.key
                    )).located(location_of(&def.origin)).hint(format!(
                        "prefer a project-specific name (e.g. {}) and pass it to the client explicitly",
                        var.key.replace("_API_KEY", "_PAT").replace("_API_TOKEN", "_PAT")
                    )));
            }
        }
        out
    }
}
