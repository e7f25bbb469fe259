"""ponzidetect triage app: ``streamlit run app/streamlit_app.py``.

Three pages (single text, batch table, model), English and Chinese UI. The app uses only the
public ponzidetect API; rendering helpers live in ``app/triage``. Set ``PONZIDETECT_MODEL`` to a
model directory (written by ``ponzidetect train``) to use it instead of the shipped model.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # Streamlit adds the script folder; AppTest and imports may not
    sys.path.insert(0, str(HERE))

from triage.i18n import t  # noqa: E402
from triage.ui import language_switch  # noqa: E402

ZH_UPLOADER_CSS = (
    "<style>"
    '[data-testid="stFileUploaderDropzoneInstructions"]{display:none}'
    '[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]{font-size:0}'
    '[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] > *'
    "{display:none}"
    '[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]::after'
    '{content:"上传";font-size:.875rem}'
    "</style>")

st.set_page_config(page_title="ponzidetect", page_icon="🔎", layout="wide")
ui = language_switch()
pages = [
    st.Page(HERE / "views" / "single.py", title=t("page_single", ui), icon="📝",
            url_path="single", default=True),
    st.Page(HERE / "views" / "batch.py", title=t("page_batch", ui), icon="📊", url_path="batch"),
    st.Page(HERE / "views" / "model.py", title=t("page_model", ui), icon="📘", url_path="model"),
]
page = st.navigation(pages, position="sidebar")
if ui == "zh":  # Streamlit's own file-uploader words, in Chinese (they have no API)
    st.markdown(ZH_UPLOADER_CSS, unsafe_allow_html=True)
st.title(t("app_title", ui))
st.warning(t("disclaimer", ui), icon="⚖️")
page.run()
