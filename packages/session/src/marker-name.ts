export const MARKER_NAME = "BORIS_SESSION";
