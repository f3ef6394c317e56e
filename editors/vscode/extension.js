// The VS Code client of `verifier lsp`: starts the server over stdio for .policy files
// and passes the `verifier.*` settings to it (docs/editor.md).
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("verifier");
  const [command, ...args] = config.get("command", ["verifier", "lsp"]);
  const serverOptions = { command, args, options: { env: process.env } };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "policy" }],
    initializationOptions: {
      verifier: {
        lang: config.get("lang"),
        keywords: config.get("keywords"),
        analysis: config.get("analysis"),
        timeoutMs: config.get("timeoutMs"),
      },
    },
    synchronize: { configurationSection: "verifier" },
  };
  client = new LanguageClient("verifier", "Policy (verifier)", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
