import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the explorer on :5173 and sends the API to a hub
// running on :8080 (make run), websockets included.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": { target: "http://localhost:8080", ws: true },
      "/auth/config": { target: "http://localhost:8080" },
    },
  },
  build: {
    outDir: "static/app",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1600,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
