{
  "variables": { "gigpo_bench%": 0 },
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++1y", "-O2"],
    "cflags_cc": ["-std=c++20", "-O3", "-fexceptions", "-fPIC", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "cflags!": ["-O2"],
    "cflags": ["-O3"],
    "include_dirs": ["native"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
      "GCC_OPTIMIZATION_LEVEL": "3"
    }
  },
  "targets": [
    {
      "target_name": "gigpo_core",
      "type": "static_library",
      "sources": ["<!@(node scripts/list-sources.mjs native/core)"]
    },
    {
      "target_name": "gigpo",
      "dependencies": [
        "gigpo_core",
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": ["NAPI_EXPERIMENTAL", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "sources": ["<!@(node scripts/list-sources.mjs native/bind)"]
    }
  ],
  "conditions": [
    ["gigpo_bench==1", {
      "targets": [
        {
          "target_name": "gigpo-tightloop",
          "type": "executable",
          "dependencies": ["gigpo_core"],
          "sources": ["<!@(node scripts/list-sources.mjs native/bench)"]
        }
      ]
    }]
  ]
}
