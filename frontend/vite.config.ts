import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { babelOptimizerPlugin } from "@graphql-codegen/client-preset";
import { gqlDocumentModules } from "./scripts/gql-documents";

// `npm run dev` serves the explorer on :5173 and sends the API to a hub
// running on :8080 (make run), websockets included.
export default defineConfig({
  plugins: [
    react({
      // graphql() in src/gql/gql.ts maps every operation's text to its
      // document, so calling it pulls every operation into the first load.
      // The client preset's optimizer rewrites each graphql(`…`) call into
      // an import of that operation's document from src/gql/graphql.ts;
      // gqlDocumentModules then gives each document a module of its own,
      // so a lazy view's operations load with the view.
      babel: { plugins: [[babelOptimizerPlugin, { artifactDirectory: "./src/gql", gqlTagName: "graphql" }]] },
    }),
    gqlDocumentModules("./src/gql"),
  ],
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
