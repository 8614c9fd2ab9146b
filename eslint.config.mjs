import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { layerBlocks } from "./eslint.layers.mjs";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "core/kernel/db/generated/",
      "data/",
      "coverage/",
      "*.config.js",
      "*.config.mjs",
      "eslint.layers.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      // Tests read JSON responses whose shape is what they assert.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  // The layers of the house: which folder may import which (see eslint.layers.mjs).
  ...layerBlocks,
);
