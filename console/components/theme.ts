import { createTheme } from '@mui/material/styles';

// Every status colour carries text (chips, "no data since …") as well as fill, so each one is chosen to
// reach WCAG AA (4.5:1) against its background and its contrast text in both schemes. MUI's defaults for
// warning and info do not.
export const theme = createTheme({
  cssVariables: true,
  colorSchemes: {
    light: {
      palette: {
        primary: { main: '#1f5fa8', contrastText: '#ffffff' },
        success: { main: '#2e7d32', contrastText: '#ffffff' },
        warning: { main: '#a15c07', contrastText: '#ffffff' },
        error: { main: '#c62828', contrastText: '#ffffff' },
        info: { main: '#0b6aa2', contrastText: '#ffffff' },
        background: { default: '#f5f7fa', paper: '#ffffff' },
      },
    },
    dark: {
      palette: {
        primary: { main: '#8fc1ff', contrastText: '#0b1320' },
        success: { main: '#81c784', contrastText: '#0b1320' },
        warning: { main: '#ffb74d', contrastText: '#0b1320' },
        error: { main: '#ff8a80', contrastText: '#0b1320' },
        info: { main: '#81d4fa', contrastText: '#0b1320' },
        background: { default: '#0f141a', paper: '#161c24' },
      },
    },
  },
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    h1: { fontSize: '1.5rem', fontWeight: 600 },
    h2: { fontSize: '1.25rem', fontWeight: 600 },
    h3: { fontSize: '1.05rem', fontWeight: 600 },
  },
  components: {
    // Sentence case reads faster than capitals at a glance, and matches how the rest of the page speaks.
    MuiButton: { styleOverrides: { root: { textTransform: 'none' } } },
    MuiTab: { styleOverrides: { root: { textTransform: 'none' } } },
  },
});
