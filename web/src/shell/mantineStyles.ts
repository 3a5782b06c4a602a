// Mantine's whole stylesheet (every component, in @layer mantine). Loaded beside the first
// screen rather than blocking the first paint: the shell's own components have their files
// in the first-load stylesheet (createShell.tsx). Layered rules lose to the app's CSS modules
// whatever the load order, so this file arriving later changes nothing already styled.
import '@mantine/core/styles.layer.css';
