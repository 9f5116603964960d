// `busdoctor --help` lists every command from a table, without loading their modules: the listing must be
// the one the loaded commands themselves make, or the table has drifted from a command's registration.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS, registerCommands } from "../../../src/cli/commands/index.js";

const ignoreExit = (): void => undefined;

function program(): Command {
  return new Command("busdoctor").description("test").exitOverride();
}

describe("the command list", () => {
  it("reads in --help as the loaded commands' own listing", async () => {
    const listed = program();
    await registerCommands(listed, ignoreExit, ["node", "busdoctor", "--help"]);
    const loaded = program();
    for (const entry of Object.values(COMMANDS)) (await entry.load())(loaded, ignoreExit);
    expect(listed.helpInformation()).toBe(loaded.helpInformation());
  });

  it("loads the command that runs, and the one `help` names", async () => {
    for (const argv of [
      ["node", "busdoctor", "check", "127.0.0.1:6379"],
      ["node", "busdoctor", "help", "check"],
    ]) {
      const registered = program();
      await registerCommands(registered, ignoreExit, argv);
      const check = registered.commands.find((command) => command.name() === "check");
      expect(check?.options.map((option) => option.long)).toContain("--from-snapshot");
      expect(registered.commands.find((command) => command.name() === "fix")?.options).toEqual([]);
    }
  });
});
