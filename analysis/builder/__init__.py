"""The build machinery: runs the report library's notebook templates with papermill and
turns them into the HTML and PDF editions. Nothing here is imported by the notebooks, so
a change to it never makes a notebook stale.
"""
