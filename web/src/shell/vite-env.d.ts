declare module 'virtual:ecar/mantine-variables.css';
