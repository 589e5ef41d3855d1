/** The look of the console's full-width record tables (change requests, audit log): one row per record, compact, left-aligned. */
export const listTableSx = {
  width: '100%',
  borderCollapse: 'collapse',
  fontSize: '0.875rem',
  '& th, & td': { textAlign: 'left', verticalAlign: 'top', p: 1, borderBottom: 1, borderColor: 'divider' },
  '& thead th': { fontWeight: 700, whiteSpace: 'nowrap' },
} as const;
