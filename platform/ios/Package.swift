// swift-tools-version:5.7
// The Swift wrapper over ykien's C API (docs/ios.md). CYkien.xcframework is built
// from this repository with the steps in docs/ios.md; it holds libykien.a for each
// slice and the headers (ykien.h, module.modulemap from include/).
import PackageDescription

let package = Package(
  name: "Ykien",
  platforms: [.iOS(.v13), .macOS(.v11)],
  products: [.library(name: "Ykien", targets: ["Ykien"])],
  targets: [
    .binaryTarget(name: "CYkien", path: "CYkien.xcframework"),
    .target(
      name: "Ykien",
      dependencies: ["CYkien"],
      // SQLite is inside libykien.a (YKIEN_SQLITE_AMALGAMATION); zlib and libc++ come from the SDK.
      linkerSettings: [.linkedLibrary("z"), .linkedLibrary("c++")]),
  ]
)
