"""Coach features for the ``worksheets`` plugin: ``extra.coursebook`` branding and the review page in, site changes out."""
