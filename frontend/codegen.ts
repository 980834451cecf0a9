import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from the one API contract: schema.graphqls and its
// domain files in schema/.
// `npm run codegen` writes src/gql; make test fails when it is stale.
const config: CodegenConfig = {
  schema: ["../schema.graphqls", "../schema/*.graphqls"],
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Time: "string", JSON: "Record<string, unknown>", ID: "string" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
