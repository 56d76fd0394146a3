; The Windows installer for Maskinporten Assistant, built on Linux with makensis by
; scripts/package-windows.sh. A per-user install (no administrator rights needed, as many
; organisation admins and testers do not have them on their own machines) into
; %LOCALAPPDATA%\Programs\Maskinporten Assistant, with Start menu entries for the window and
; for a command prompt in the install folder. The uninstaller removes the program only: keys stay
; in the Windows Credential Manager and profiles in the data folder, so nothing is lost.
;
; makensis -DVERSION=0.1.0 -DBIN=path\to\release -DOUT=installer.exe installer.nsi

; A 64-bit installer, like the program it installs (and Wine without 32-bit support can run it).
Target amd64-unicode
!include "MUI2.nsh"
!include "LogicLib.nsh"

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef BIN
  !error "pass -DBIN=<folder with maskinporten-assistant.exe and maskinporten-assistant-window.exe>"
!endif
!ifndef OUT
  !define OUT "Maskinporten-Assistant-${VERSION}-setup.exe"
!endif

!define PRODUCT "Maskinporten Assistant"
; The window (GUI subsystem): what the Start menu opens.
!define EXE "maskinporten-assistant-window.exe"
; The command line (console subsystem, src-tauri/crates/app, no WebView2): what a typed
; `maskinporten-assistant` runs; with no subcommand it starts the window.
!define CLI "maskinporten-assistant.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MaskinportenAssistant"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "Software\${PRODUCT}" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
ShowInstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "LegalCopyright" "MIT licence"

!define MUI_ICON "..\..\src-tauri\icons\icon.ico"
!define MUI_UNICON "..\..\src-tauri\icons\icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Norwegian"

Section "Maskinporten Assistant" Main
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${BIN}\${EXE}"
  File "${BIN}\${CLI}"
  !if /FileExists "${BIN}\WebView2Loader.dll"
    File "${BIN}\WebView2Loader.dll"
  !endif
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk" "$INSTDIR\${EXE}"
  ; The command line: a prompt in the install folder, where `maskinporten-assistant` runs the
  ; console program. The PATH is left alone: rewriting it from NSIS risks cutting a long PATH short.
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT} (command line).lnk" "$SYSDIR\cmd.exe" \
    '/k cd /d "$INSTDIR" && maskinporten-assistant --help'

  WriteRegStr HKCU "Software\${PRODUCT}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Maskinporten Assistant contributors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  ; The window needs the Microsoft Edge WebView2 runtime (part of Windows 11 and current
  ; Windows 10); the command line does not.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}" "pv"
  ReadRegStr $1 HKCU "Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}" "pv"
  ${If} $0 == ""
  ${AndIf} $1 == ""
    DetailPrint "The Microsoft Edge WebView2 runtime was not found: the window needs it (https://go.microsoft.com/fwlink/p/?LinkId=2124703); the command line works without it."
  ${EndIf}
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI}"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT} (command line).lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${PRODUCT}"
  DetailPrint "Keys stay in the Windows Credential Manager and profiles in %APPDATA%\no.maskinporten-assistant: delete them there if you no longer need them."
SectionEnd
