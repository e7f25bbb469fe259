"""Single-text page: paste or upload one document, score it, see why, download the case report."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import streamlit as st
from triage.i18n import t
from triage.inputs import DOCUMENT_TYPES, TextDecodeError, text_to_score
from triage.ui import detector_or_error, get_detector, lang, show_assessment

from ponzidetect.report import case_report, report_filename

RESULT_KEY, SCORED_AT = "single_result", "single_scored_at"
ui = lang()

st.header(t("page_single", ui))
st.caption(t("single_intro", ui))
typed = st.text_area(t("text_label", ui), key="single_text", height=220,
                     placeholder=t("text_placeholder", ui))
upload = st.file_uploader(t("file_label", ui), type=list(DOCUMENT_TYPES),
                          key="single_file")

if st.button(t("score_button", ui), type="primary", key="single_score"):
    st.session_state.pop(RESULT_KEY, None)
    try:
        if upload is not None:
            text = text_to_score(typed, upload.name, upload.getvalue())
            st.session_state["single_source"] = (upload.name, len(text))
        else:
            text = text_to_score(typed)
            st.session_state.pop("single_source", None)
        if not text or not text.strip():
            st.error(t("err_empty", ui))
        elif (detector := detector_or_error(ui)) is not None:
            st.session_state[RESULT_KEY] = (text, detector.score(text).to_dict())
            st.session_state[SCORED_AT] = datetime.now(UTC)
    except TextDecodeError as error:
        st.error(t("err_file", ui, name=upload.name if upload else "", error=error))
    except (TypeError, ValueError) as error:
        st.error(t("err_input", ui, error=error))
    except Exception as error:  # never a traceback in front of an investigator
        logging.getLogger("ponzidetect.app").exception("scoring failed")
        st.error(t("err_unexpected", ui, error=error))

if RESULT_KEY in st.session_state:
    if st.session_state.get("single_source"):
        name, chars = st.session_state["single_source"]
        st.info(t("file_used", ui, name=name, chars=chars))
    text, assessment = st.session_state[RESULT_KEY]
    source = st.session_state.get("single_source")
    page = case_report(get_detector(), text, lang=ui, assessment=assessment,
                       scored_at=st.session_state.get(SCORED_AT),
                       source=source[0] if source else None)
    show_assessment(text, assessment, ui, key="single",
                    report=(page, report_filename(None, text)))
