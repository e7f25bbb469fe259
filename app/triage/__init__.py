"""Helpers of the ponzidetect Streamlit app: UI strings, rendering, batch logic, shared views.

Everything except :mod:`triage.ui` is plain Python (no Streamlit) so it can be unit-tested.
"""
