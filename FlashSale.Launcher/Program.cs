using FlashSale.Launcher;

// Runs the whole FlashSale stack on this machine without Docker; see LauncherOptions.Usage.
return await Launcher.RunAsync(args);
