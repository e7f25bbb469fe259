"""Every UI string of the app in English and Chinese, and :func:`t` to look one up."""

from __future__ import annotations

LANGS = ("en", "zh")
LANG_LABELS = {"en": "English", "zh": "中文"}

# key: (English, Chinese). Placeholders use str.format names.
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("ponzidetect: crypto Ponzi red-flag triage", "ponzidetect：加密项目庞氏风险初筛"),
    "language": ("Language / 语言", "Language / 语言"),
    "disclaimer": ("Automated triage aid, not a verdict. A high score means “read this first”, "
                   "never “this is a crime”.",
                   "自动化初筛辅助，不是定性结论。高分表示“优先阅读”，不表示“已构成犯罪”。"),
    "disclaimer_short": ("Automated triage aid, not a verdict", "自动化初筛辅助，不是定性结论"),
    "page_single": ("Single text", "单篇文本"),
    "page_batch": ("Batch", "批量表格"),
    "page_model": ("Model", "模型说明"),
    # single text
    "single_intro": ("Paste a project text (web page, whitepaper, chat post, complaint) or upload "
                     "a file, then press Score.",
                     "粘贴项目文本（网页、白皮书、群聊消息、举报材料）或上传文件，然后点击“评分”。"),
    "text_label": ("Text to assess", "待评估文本"),
    "text_placeholder": ("English or Chinese text…", "中文或英文文本……"),
    "file_label": ("…or upload a document (.txt, .html, .pdf, .docx)",
                   "……或上传文档（.txt、.html、.pdf、.docx）"),
    "file_used": ("Scoring the uploaded file {name} ({chars:,} characters); remove it to score "
                  "the text box instead.",
                  "正在评估上传的文件 {name}（{chars:,} 个字符）；"
                  "如需评估文本框内容，请先移除文件。"),
    "score_button": ("Score", "评分"),
    "err_empty": ("The text is empty: paste a text or upload a file, then press Score.",
                  "文本为空：请粘贴文本或上传文件后再点击“评分”。"),
    "err_file": ("Cannot read {name}: {error}. Save it as UTF-8 text, HTML, PDF or DOCX and "
                 "try again.",
                 "无法读取 {name}：{error}。请另存为 UTF-8 文本、HTML、PDF 或 DOCX 后重试。"),
    "err_input": ("Cannot score this text: {error}", "无法评估该文本：{error}"),
    # assessment view
    "probability": ("Probability", "风险概率"),
    "risk": ("Risk band", "风险等级"),
    "risk_low": ("Low risk", "低风险"),
    "risk_medium": ("Medium risk", "中风险"),
    "risk_high": ("High risk", "高风险"),
    "threshold": ("High-risk threshold", "高风险阈值"),
    "language_detected": ("Language", "语言"),
    "text_kind": ("Reads as", "文本类型"),
    "model_version": ("Model version", "模型版本"),
    "lang_en": ("English", "英文"),
    "lang_zh": ("Chinese", "中文"),
    "lang_mixed": ("Mixed", "中英混合"),
    "lang_und": ("Undetermined", "未识别"),
    "kind_promotion": ("Promotion", "推广"),
    "kind_case_account": ("Case account", "案件叙述"),
    "kind_warning": ("Warning", "风险警示"),
    "kind_documentation": ("Documentation", "产品/项目文档"),
    "kind_other": ("Other", "其他"),
    "kind_note_case_account": ("This text reads as an account of a case (news, court, police, "
                               "complaint): it may describe an offer without making one.",
                               "该文本像是案件叙述（新闻、司法、通报或投诉）：它可能只是描述而非推销"
                               "相关产品。"),
    "kind_note_warning": ("This text reads as a warning: red flags may be quoted, not offered.",
                          "该文本像是风险警示：其中的风险信号可能是被引用，而非在推销。"),
    "no_offer_note": ("Red flags fired, but none states the offer itself (returns on a deposit, "
                      "pay for recruiting, payouts from newcomers, a set price, a joining fee): "
                      "the score was kept below the high band. Read the text before acting on it.",
                      "发现了风险信号，但没有一项描述投资回报、拉人返利、以新还旧、固定价格或入门费等"
                      "核心机制：分数已被限制在高风险阈值之下。请先阅读原文再作判断。"),
    "gated_note": ("The wording resembles schemes but no catalogued red flag fired: the score "
                   "was capped below the high band. Read the text before acting on it.",
                   "措辞与资金盘相似，但未发现目录中的风险信号：分数已被限制在高风险阈值之下。"
                   "请先阅读原文再作判断。"),
    "download_report_single": ("Download the case report (HTML, printable)",
                               "下载案件报告（HTML，可打印）"),
    "flags_heading": ("Red flags, strongest first", "风险信号（按贡献从高到低）"),
    "no_flags": ("No catalogued red flag fired in this text.", "该文本未触发目录中的风险信号。"),
    "col_flag": ("Flag", "信号"),
    "col_id": ("ID", "编号"),
    "col_kind": ("Kind", "类别"),
    "col_family": ("Family", "家族"),
    "col_contribution": ("Contribution (log-odds)", "贡献（对数几率）"),
    "col_value": ("Parsed value", "解析值"),
    "col_evidence": ("Evidence", "证据"),
    "col_effect": ("Effect", "作用"),
    "kind_red_flag": ("red flag", "风险信号"),
    "kind_context": ("context", "语境信号"),
    "effect_raises": ("raises risk", "提高风险"),
    "effect_lowers": ("lowers risk", "降低风险"),
    "other_features": ("Document features (length, language…)", "文档特征（长度、语言等）"),
    "text_channel": ("Wording model (character n-grams)", "措辞模型（字符 n-gram）"),
    "evidence_heading": ("Text with evidence highlighted", "原文（高亮显示证据）"),
    "legend": ("Legend: <mark style=\"{raise}\">raises risk</mark> "
               "<mark style=\"{lower}\">lowers risk</mark> "
               "<mark style=\"{flat}\">found, little effect on the score</mark> "
               "<mark style=\"{neg}\">negated (cleared)</mark>; hover a span for the rule.",
               "图例：<mark style=\"{raise}\">提高风险</mark> "
               "<mark style=\"{lower}\">降低风险</mark> "
               "<mark style=\"{flat}\">已发现，对分数影响很小</mark> "
               "<mark style=\"{neg}\">已被否定（不计入）</mark>；鼠标悬停可查看规则。"),
    "chart_heading": ("Contribution of each flag to the score", "各信号对分数的贡献"),
    "summary_line": ("{band} ({prob}). Main signals: {names}.",
                     "{band}（{prob}）。主要信号：{names}。"),
    "summary_none": ("no clear red flags", "无明显风险信号"),
    # units
    "unit_%/year": ("{v:g}% a year", "年化 {v:g}%"),
    "unit_x deposit": ("{v:g}× the deposit", "本金的 {v:g} 倍"),
    "unit_ranks": ("{v:g} ranks", "{v:g} 个级别"),
    "unit_places": ("{v:g} places", "{v:g} 个地点"),
    "unit_distinct": ("{v:g} distinct", "{v:g} 个不同项"),
    # batch
    "batch_intro": ("Upload a table with one text per row (CSV, TSV, JSONL, XLSX or Parquet). "
                    "The first {cap:,} rows are scored here; for larger files use the command "
                    "line: `ponzidetect score input.csv -o scored.csv --text-column text`.",
                    "上传每行一条文本的表格（CSV、TSV、JSONL、XLSX 或 Parquet）。本页最多评估前 "
                    "{cap:,} 行；更大的文件请使用命令行："
                    "`ponzidetect score input.csv -o scored.csv --text-column text`。"),
    "table_label": ("Table to score", "待评估表格"),
    "err_table": ("Cannot read {name}: {error}", "无法读取 {name}：{error}"),
    "err_no_columns": ("The table has no columns; check the header row.",
                       "表格没有列，请检查表头。"),
    "rows_loaded": ("{name}: {rows:,} rows, {cols} columns.", "{name}：{rows:,} 行，{cols} 列。"),
    "rows_capped": ("Only the first {cap:,} rows were loaded. Score the whole file with the "
                    "command line: `ponzidetect score {name} -o scored.csv`.",
                    "仅载入了前 {cap:,} 行。完整文件请用命令行评估："
                    "`ponzidetect score {name} -o scored.csv`。"),
    "text_column": ("Text column", "文本列"),
    "score_table": ("Score {rows:,} rows", "评估 {rows:,} 行"),
    "scoring": ("Scoring…", "评估中……"),
    "scored": ("Scored {rows:,} rows: {high:,} high, {medium:,} medium, {low:,} low, "
               "{errors:,} errors.",
               "已评估 {rows:,} 行：高风险 {high:,}，中风险 {medium:,}，低风险 {low:,}，"
               "出错 {errors:,}。"),
    "filter_risk": ("Risk bands", "风险等级"),
    "filter_flags": ("Rows raising any of these flags", "包含以下任一信号的行"),
    "showing": ("Showing {shown:,} of {rows:,} rows, highest score first (click a header to sort "
                "by it). Set a label and a note in the table, or open a row below.",
                "显示 {shown:,} / {rows:,} 行，按分数从高到低排列（点击列标题可改变排序）。"
                "可直接在表格中填写标注和备注，或在下方打开某一行。"),
    "errors_note": ("{errors:,} row(s) could not be scored; the reason is in the Error column "
                    "(they are listed last).",
                    "{errors:,} 行未能评估，原因见“错误”列（排在表格末尾）。"),
    "triage_heading": ("Triage table", "初筛表"),
    "search": ("Search the texts, ids, evidence and errors", "搜索文本、编号、证据和错误"),
    "search_placeholder": ("e.g. a project name, a domain, 日息", "例如项目名、域名、日息"),
    "filter_cluster": ("Scheme cluster", "话术簇"),
    "choose": ("Choose…", "请选择……"),
    "all_rows": ("All rows", "全部行"),
    "cluster_option": ("{cluster} ({size} near-identical texts)", "{cluster}（{size} 篇近似文本）"),
    "col_label": ("Label", "标注"),
    "col_note": ("Note", "备注"),
    "label_scheme": ("scheme", "是骗局"),
    "label_not_scheme": ("not a scheme", "不是骗局"),
    "label_unsure": ("unsure", "不确定"),
    "label_none": ("no label", "未标注"),
    "label_help": ("Your judgement of this row. Rows labelled “scheme” or “not a scheme” go into "
                   "the labelled file, which `ponzidetect train` and `ponzidetect evaluate` read.",
                   "你对该行的判断。标注为“是骗局”或“不是骗局”的行会进入标注文件，"
                   "可直接用于 `ponzidetect train` 和 `ponzidetect evaluate`。"),
    "labels_count": ("Labels in this session: {scheme} scheme, {not_scheme} not a scheme, "
                     "{unsure} unsure (kept while this browser tab is open; download them below).",
                     "本次会话的标注：是骗局 {scheme}，不是骗局 {not_scheme}，不确定 {unsure}"
                     "（浏览器标签页打开期间保留；可在下方下载）。"),
    "clusters_heading": ("Scheme clusters (near-identical texts)", "话术簇（近似文本）"),
    "no_clusters": ("No two texts in this table are near-identical.", "该表格中没有近似文本。"),
    "clusters_intro": ("{n} clusters cover {rows:,} rows: the same pitch with other names, "
                       "amounts or links. Filter the table by a cluster above.",
                       "共 {n} 个话术簇，涉及 {rows:,} 行：同一套话术换了名称、金额或链接。"
                       "可在上方按话术簇筛选。"),
    "col_cluster": ("Cluster", "话术簇"),
    "col_size": ("Size", "规模"),
    "col_top_score": ("Top score", "最高分"),
    "col_high": ("High-risk rows", "高风险行数"),
    "col_representative": ("Representative text", "代表文本"),
    "review_heading": ("**Review {key}**", "**审阅：{key}**"),
    "save_label": ("Save label", "保存标注"),
    "labels_note": ("Labelled file: {n} rows labelled scheme / not a scheme (unsure rows are left "
                    "out), with id, text, label (1/0), group (the scheme cluster), note. Train "
                    "with `ponzidetect train data/corpus labels.jsonl --out models/mine`.",
                    "标注文件：{n} 行标注为是/不是骗局（“不确定”不计入），含编号、文本、标签（1/0）、"
                    "分组（话术簇）和备注。训练：`ponzidetect train data/corpus labels.jsonl "
                    "--out models/mine`。"),
    "download_labels_csv": ("Labelled CSV", "标注 CSV"),
    "download_labels_jsonl": ("Labelled JSONL (texts exactly as scored)", "标注 JSONL（文本原样保留）"),
    "id_column": ("ID column (keys labels and downloads)", "编号列（用于标注和下载）"),
    "id_row_number": ("(row number)", "（行号）"),
    "col_row": ("Row", "行号"),
    "col_score": ("Score", "分数"),
    "col_flags": ("Flags", "信号"),
    "col_error": ("Error", "错误"),
    "col_text": ("Text", "文本"),
    "col_count": ("Rows", "行数"),
    "risk_error": ("error", "出错"),
    "histogram": ("Score distribution", "分数分布"),
    "flag_freq": ("How often each flag fired", "各信号出现次数"),
    "no_flag_rows": ("No row raised a red flag.", "没有任何行触发风险信号。"),
    "explain_row": ("Open a row's explanation", "查看某一行的解释"),
    "row_error": ("This row was not scored: {error}", "该行未能评估：{error}"),
    "no_rows": ("No rows match the filters.", "没有符合筛选条件的行。"),
    "downloads": ("Download the results", "下载结果"),
    "download_csv": ("CSV (Excel-ready)", "CSV（可用 Excel 打开）"),
    "download_xlsx": ("XLSX", "XLSX"),
    "download_jsonl": ("JSONL (with full explanations)", "JSONL（含完整解释）"),
    "download_note": ("Spreadsheet cells that start with = + - @ are prefixed with ' so Excel "
                      "does not run them as formulas.",
                      "以 = + - @ 开头的单元格已加前缀 '，防止 Excel 将其作为公式执行。"),
    # model
    "model_intro": ("What the model is, how well it did, and what each risk band means.",
                    "模型简介、评估结果与各风险等级的含义。"),
    "metrics_heading": ("Headline figures", "主要指标"),
    "metrics_caption": ("Out-of-fold, grouped cross-validation over {n:,} labelled texts "
                        "({positives:,} schemes); precision and recall at the start of the high "
                        "band.",
                        "按项目族分组交叉验证的样本外结果，共 {n:,} 篇标注文本（其中骗局 "
                        "{positives:,} 篇）；精确率与召回率按高风险阈值计算。"),
    "metric_roc_auc": ("ROC AUC", "ROC AUC"),
    "metric_pr_auc": ("PR AUC", "PR AUC"),
    "metric_precision": ("Precision (high band)", "精确率（高风险）"),
    "metric_recall": ("Recall (high band)", "召回率（高风险）"),
    "metric_roc_auc_help": ("Chance that a scheme text scores above an ordinary one.",
                            "随机取一篇骗局文本和一篇普通文本，前者得分更高的概率。"),
    "metric_pr_auc_help": ("Average precision over all thresholds.", "各阈值下精确率的平均。"),
    "metric_precision_help": ("Of the texts in the high band, the share that were schemes.",
                              "高风险文本中确为骗局的比例。"),
    "metric_recall_help": ("Of the scheme texts, the share that reached the high band.",
                           "骗局文本中被判为高风险的比例。"),
    "bands_heading": ("What each band means", "各风险等级的含义"),
    "band_from": ("Starts at", "起点"),
    "band_means": ("On held-out data", "留出数据上的实测"),
    "band_unmeasured": ("not measured for this model yet", "该模型尚未实测"),
    "bands_command": ("Measured with `{command}`.", "测算命令：`{command}`。"),
    "kinds_heading": ("Text kind (who is speaking)", "文本类型（谁在说话）"),
    "kinds_caption": ("Share of each kind the voice classifier got right (grouped "
                      "cross-validation).", "文本类型分类器对各类文本的识别准确率（分组交叉验证）。"),
    "kind_accuracy": ("Accuracy", "准确率"),
    "full_report_heading": ("Full report", "完整报告"),
    "full_report": ("Model `{name}` (booster `{sha}…`). The model card holds the full "
                    "evaluation, per language and source, with the commands to reproduce it; "
                    "in the repository see `docs/evaluation-by-source.md` (leave-one-source-out) "
                    "and the README's “Model quality”.",
                    "模型 `{name}`（booster `{sha}…`）。模型卡包含完整评估（按语言和来源）及复现命令；"
                    "代码库中另见 `docs/evaluation-by-source.md`（留一来源评估）"
                    "与 README 的“Model quality”一节。"),
    "download_card": ("Download the model card (Markdown)", "下载模型卡（Markdown）"),
    "card_heading": ("Model card", "模型卡"),
    "card_other": ("Model card in the other language", "另一语言的模型卡"),
    "catalogue_heading": ("Red-flag catalogue ({n} flags)", "风险信号目录（{n} 个）"),
    "col_name": ("Name", "名称"),
    "col_version": ("Version", "版本"),
    "col_rationale": ("Rationale", "依据"),
    "col_sources": ("Sources", "来源"),
    "err_unexpected": ("Something went wrong while scoring: {error}. The details are in the "
                       "server log.", "评估时出错：{error}。详细信息见服务器日志。"),
    "err_model": ("Cannot load the model: {error}", "无法加载模型：{error}"),
}


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """The UI string ``key`` in ``lang`` (``en`` or ``zh``), formatted with ``values``.

    Raises
    ------
    KeyError
        When ``key`` is not a known string (a typo in the app, caught by the tests).
    """
    english, chinese = STRINGS[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """Whether ``key`` is a known UI string."""
    return key in STRINGS
