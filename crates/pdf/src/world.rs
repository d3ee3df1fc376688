//! The smallest typst world: the document's template, a shared style, the
//! data as JSON, attachments, and the shipped fonts. No file system, no
//! packages, no clock.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the document needs the label {0:?}, which was not given")]
    MissingLabel(String),
    #[error("the document's data could not be prepared: {0}")]
    Data(String),
    #[error("the document could not be typeset: {0}")]
    Typeset(String),
}

static FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/NanumGothic.ttf"),
    include_bytes!("../fonts/NanumGothicBold.ttf"),
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

const STYLE: &str = include_str!("../templates/style.typ");

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

// Fonts are parsed and the standard library built once per process.
static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|e| PdfError::Data(format!("{path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

struct PaperWorld {
    main: FileId,
    sources: Vec<Source>,
    files: Vec<(FileId, Bytes)>,
}

impl World for PaperWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry the date the caller gives; none read the clock.
        None
    }
}

/// Typesets `template` with `data` at `/data.json` and the attachments at
/// their paths, and exports the PDF.
pub(crate) fn typeset(
    template: &str,
    data: Vec<u8>,
    attachments: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, PdfError> {
    let main = file_id("/main.typ")?;
    let mut files = vec![(file_id("/data.json")?, Bytes::new(data))];
    for (path, bytes) in attachments {
        files.push((file_id(&path)?, Bytes::new(bytes)));
    }
    let world = PaperWorld {
        main,
        sources: vec![
            Source::new(main, template.to_string()),
            Source::new(file_id("/style.typ")?, STYLE.to_string()),
        ],
        files,
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| PdfError::Typeset(describe(&errors)))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| PdfError::Typeset(describe(&errors)))?;
    // typst memoises across compilations; a long-running service keeps only
    // what recent documents used.
    typst::comemo::evict(10);
    Ok(pdf)
}

fn describe(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
